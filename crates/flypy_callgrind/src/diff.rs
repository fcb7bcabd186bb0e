//! Differences of profiles by function, and scaling them to one call.
//!
//! `flypy cost` profiles a statement run N and 2N times: subtracting the two cancels the
//! interpreter's start-up and shutdown, leaving N runs' worth, which divided by N is the cost
//! of one. Noise can make a difference negative, so differences are signed (i128 holds any
//! difference of u64 sums, and chains of them).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::profile::{by_magnitude, CostKind, FunctionKey, Profile};

/// Why two profiles cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("the profiles count different events (`{left}` and `{right}`)")]
    EventsDiffer { left: String, right: String },
    #[error("cannot scale to one call by dividing by 0 calls")]
    ZeroCalls,
}

/// One function's signed costs (a difference), per event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionDiff {
    #[serde(flatten)]
    pub key: FunctionKey,
    #[serde(rename = "self")]
    pub self_cost: Vec<i128>,
    pub inclusive: Vec<i128>,
    pub called: i128,
}

/// Signed per-function costs, e.g. `a - b` of two profiles. Functions are in key order;
/// functions whose every difference is zero are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileDiff {
    pub events: Vec<String>,
    pub totals: Vec<i128>,
    pub functions: Vec<FunctionDiff>,
}

/// One function's costs divided by a number of calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionPerCall {
    #[serde(flatten)]
    pub key: FunctionKey,
    #[serde(rename = "self")]
    pub self_cost: Vec<f64>,
    pub inclusive: Vec<f64>,
    pub called: f64,
}

/// A difference scaled to one call of the measured statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerCall {
    pub events: Vec<String>,
    /// What the difference was divided by.
    pub calls: u64,
    pub totals: Vec<f64>,
    pub functions: Vec<FunctionPerCall>,
}

impl Profile {
    /// `self - other`, function by function (matched by object, file and name; a function in
    /// only one profile counts as 0 in the other). The event lists must hold the same names;
    /// the result is in `self`'s event order.
    pub fn subtract(&self, other: &Profile) -> Result<ProfileDiff, DiffError> {
        ProfileDiff::from(self).subtract(&ProfileDiff::from(other))
    }
}

impl From<&Profile> for ProfileDiff {
    /// The profile's costs as signed values (nothing subtracted yet), all functions kept.
    fn from(profile: &Profile) -> Self {
        let signed = |costs: &[u64]| costs.iter().map(|&c| i128::from(c)).collect::<Vec<_>>();
        let mut functions: Vec<FunctionDiff> = profile
            .functions
            .iter()
            .map(|f| FunctionDiff {
                key: f.key.clone(),
                self_cost: signed(&f.self_cost),
                inclusive: signed(&f.inclusive),
                called: i128::from(f.called),
            })
            .collect();
        functions.sort_by(|a, b| a.key.cmp(&b.key));
        ProfileDiff {
            events: profile.events.clone(),
            totals: signed(&profile.totals),
            functions,
        }
    }
}

impl ProfileDiff {
    pub fn event_index(&self, event: &str) -> Option<usize> {
        self.events.iter().position(|e| e == event)
    }

    /// `self - other` by function, as [`Profile::subtract`]. Differences saturate at the i128
    /// limits, which no real chain of subtractions reaches.
    pub fn subtract(&self, other: &ProfileDiff) -> Result<ProfileDiff, DiffError> {
        let order = event_order(&self.events, &other.events)?;
        let reorder = |costs: &[i128]| -> Vec<i128> {
            order
                .iter()
                .map(|&i| costs.get(i).copied().unwrap_or(0))
                .collect()
        };
        let minus = |a: &[i128], b: &[i128]| -> Vec<i128> {
            a.iter().zip(b).map(|(x, y)| x.saturating_sub(*y)).collect()
        };
        let events = self.events.len();
        let zeros = vec![0i128; events];
        let mut pairs: BTreeMap<&FunctionKey, (Option<&FunctionDiff>, Option<&FunctionDiff>)> =
            BTreeMap::new();
        for f in &self.functions {
            pairs.entry(&f.key).or_default().0 = Some(f);
        }
        for f in &other.functions {
            pairs.entry(&f.key).or_default().1 = Some(f);
        }
        let mut functions = Vec::new();
        for (key, (a, b)) in pairs {
            let (a_self, a_incl, a_called) = match a {
                Some(a) => (a.self_cost.clone(), a.inclusive.clone(), a.called),
                None => (zeros.clone(), zeros.clone(), 0),
            };
            let (b_self, b_incl, b_called) = match b {
                Some(b) => (reorder(&b.self_cost), reorder(&b.inclusive), b.called),
                None => (zeros.clone(), zeros.clone(), 0),
            };
            let diff = FunctionDiff {
                key: key.clone(),
                self_cost: minus(&a_self, &b_self),
                inclusive: minus(&a_incl, &b_incl),
                called: a_called.saturating_sub(b_called),
            };
            let all_zero = diff.called == 0
                && diff.self_cost.iter().all(|&c| c == 0)
                && diff.inclusive.iter().all(|&c| c == 0);
            if !all_zero {
                functions.push(diff);
            }
        }
        Ok(ProfileDiff {
            events: self.events.clone(),
            totals: minus(&self.totals, &reorder(&other.totals)),
            functions,
        })
    }

    /// Divides every difference by `calls` (the number of extra runs the difference is of).
    pub fn per_call(&self, calls: u64) -> Result<PerCall, DiffError> {
        if calls == 0 {
            return Err(DiffError::ZeroCalls);
        }
        // f64 keeps 15-16 significant digits: plenty for costs that are averages anyway.
        let divisor = calls as f64;
        let scale =
            |costs: &[i128]| -> Vec<f64> { costs.iter().map(|&c| c as f64 / divisor).collect() };
        Ok(PerCall {
            events: self.events.clone(),
            calls,
            totals: scale(&self.totals),
            functions: self
                .functions
                .iter()
                .map(|f| FunctionPerCall {
                    key: f.key.clone(),
                    self_cost: scale(&f.self_cost),
                    inclusive: scale(&f.inclusive),
                    called: f.called as f64 / divisor,
                })
                .collect(),
        })
    }

    /// The `n` functions whose difference in event column `event` is largest in magnitude
    /// (positive or negative), ties in key order.
    pub fn top(&self, event: usize, kind: CostKind, n: usize) -> Vec<&FunctionDiff> {
        let cost = |f: &FunctionDiff| pick(&f.self_cost, &f.inclusive, kind, event).unwrap_or(0);
        let mut ranked: Vec<&FunctionDiff> = self.functions.iter().collect();
        ranked.sort_by(|a, b| {
            by_magnitude((cost(a), &a.key), (cost(b), &b.key), |c: i128| {
                c.saturating_abs()
            })
        });
        ranked.truncate(n);
        ranked
    }
}

impl PerCall {
    pub fn event_index(&self, event: &str) -> Option<usize> {
        self.events.iter().position(|e| e == event)
    }

    /// The `n` functions whose per-call cost in event column `event` is largest in
    /// magnitude, ties in key order.
    pub fn top(&self, event: usize, kind: CostKind, n: usize) -> Vec<&FunctionPerCall> {
        let cost =
            |f: &FunctionPerCall| pick(&f.self_cost, &f.inclusive, kind, event).unwrap_or(0.0);
        let mut ranked: Vec<&FunctionPerCall> = self.functions.iter().collect();
        ranked.sort_by(|a, b| by_magnitude((cost(a), &a.key), (cost(b), &b.key), f64::abs));
        ranked.truncate(n);
        ranked
    }
}

fn pick<T: Copy>(self_cost: &[T], inclusive: &[T], kind: CostKind, event: usize) -> Option<T> {
    match kind {
        CostKind::SelfCost => self_cost.get(event).copied(),
        CostKind::Inclusive => inclusive.get(event).copied(),
    }
}

/// For each of `ours`, its column in `theirs`; the two must name the same events.
fn event_order(ours: &[String], theirs: &[String]) -> Result<Vec<usize>, DiffError> {
    let differ = || DiffError::EventsDiffer {
        left: ours.join(" "),
        right: theirs.join(" "),
    };
    if ours.len() != theirs.len() {
        return Err(differ());
    }
    ours.iter()
        .map(|event| theirs.iter().position(|t| t == event).ok_or_else(differ))
        .collect()
}
