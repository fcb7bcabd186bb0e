//! Grid carbon intensity by country: grams of CO2-equivalent emitted per kWh of electricity.
//!
//! Source: Ember, *Yearly Electricity Data*, calendar year 2024 for every row. Ember computes
//! the emissions intensity of each country's electricity **generation** (the production mix:
//! imports are not counted) with life-cycle emission factors (upstream methane, supply chain
//! and construction included, all gases as CO2e over 100 years). Licence: CC BY 4.0.
//!
//! How the numbers got here: copied from Ember's yearly data as its data API serves it, in the
//! copy the Green Web Foundation's co2.js keeps (`data/output/average-intensities.json`, the
//! update of 3 August 2025), keeping only countries whose latest Ember year there is 2024, so
//! that every row is the same year. The world figure (472.94) agrees with the 473 gCO2/kWh for
//! 2024 in Ember's Global Electricity Review 2025.
//!
//! These are yearly averages. The grid's intensity varies by hour and season, and the
//! marginal emissions of extra demand differ from the average; reports say "grid average".

use serde::Serialize;

/// Who published the figures.
pub const SOURCE: &str = "Ember, Yearly Electricity Data";

/// The year every row describes.
pub const YEAR: u16 = 2024;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Region {
    /// ISO 3166-1 alpha-2 (`FR`), or `WORLD` / `EU` for the aggregates.
    pub code: &'static str,
    /// ISO 3166-1 alpha-3 (`FRA`); none for the aggregates.
    pub alpha3: Option<&'static str>,
    pub name: &'static str,
    /// Grams of CO2e per kWh generated, yearly average.
    pub g_co2e_per_kwh: f64,
    pub year: u16,
    pub source: &'static str,
}

impl Region {
    /// `France (FR): 44.18 gCO2e/kWh, grid average 2024 (Ember, Yearly Electricity Data)`.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}): {} gCO2e/kWh, grid average {} ({})",
            self.name, self.code, self.g_co2e_per_kwh, self.year, self.source
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarbonError {
    #[error("unknown region {code:?}: flypy knows {count} regions, by ISO country code (alpha-2 or alpha-3, any case): {known}")]
    UnknownRegion {
        code: String,
        count: usize,
        known: String,
    },
}

const fn country(code: &'static str, alpha3: &'static str, name: &'static str, g: f64) -> Region {
    Region {
        code,
        alpha3: Some(alpha3),
        name,
        g_co2e_per_kwh: g,
        year: YEAR,
        source: SOURCE,
    }
}

const fn aggregate(code: &'static str, name: &'static str, g: f64) -> Region {
    Region {
        code,
        alpha3: None,
        name,
        g_co2e_per_kwh: g,
        year: YEAR,
        source: SOURCE,
    }
}

/// The default when no region is given.
pub static WORLD: Region = aggregate("WORLD", "World", 472.94);

static REGIONS: &[Region] = &[
    aggregate("WORLD", "World", 472.94),
    aggregate("EU", "European Union (27)", 213.02),
    country("AE", "ARE", "United Arab Emirates", 467.51),
    country("AR", "ARG", "Argentina", 344.83),
    country("AT", "AUT", "Austria", 102.62),
    country("AU", "AUS", "Australia", 553.76),
    country("BD", "BGD", "Bangladesh", 694.63),
    country("BE", "BEL", "Belgium", 117.58),
    country("BR", "BRA", "Brazil", 106.06),
    country("CA", "CAN", "Canada", 184.99),
    country("CH", "CHE", "Switzerland", 36.72),
    country("CL", "CHL", "Chile", 265.52),
    country("CN", "CHN", "China", 557.5),
    country("CO", "COL", "Colombia", 285.8),
    country("CZ", "CZE", "Czechia", 413.86),
    country("DE", "DEU", "Germany", 342.06),
    country("DK", "DNK", "Denmark", 143.3),
    country("EG", "EGY", "Egypt", 574.5),
    country("ES", "ESP", "Spain", 146.15),
    country("FI", "FIN", "Finland", 72.25),
    country("FR", "FRA", "France", 44.18),
    country("GB", "GBR", "United Kingdom", 215.79),
    country("GR", "GRC", "Greece", 319.76),
    country("HU", "HUN", "Hungary", 182.82),
    country("IE", "IRL", "Ireland", 279.79),
    country("IN", "IND", "India", 708.96),
    country("IT", "ITA", "Italy", 287.75),
    country("JP", "JPN", "Japan", 483.73),
    country("KE", "KEN", "Kenya", 84.83),
    country("KR", "KOR", "South Korea", 415.65),
    country("KZ", "KAZ", "Kazakhstan", 801.79),
    country("LU", "LUX", "Luxembourg", 134.62),
    country("MX", "MEX", "Mexico", 483.14),
    country("MY", "MYS", "Malaysia", 604.43),
    country("NG", "NGA", "Nigeria", 507.85),
    country("NL", "NLD", "Netherlands", 252.7),
    country("NO", "NOR", "Norway", 30.75),
    country("NZ", "NZL", "New Zealand", 120.11),
    country("PH", "PHL", "Philippines", 613.38),
    country("PK", "PAK", "Pakistan", 398.61),
    country("PL", "POL", "Poland", 614.98),
    country("PT", "PRT", "Portugal", 111.8),
    country("RO", "ROU", "Romania", 245.55),
    country("RU", "RUS", "Russia", 446.17),
    country("SA", "SAU", "Saudi Arabia", 691.95),
    country("SE", "SWE", "Sweden", 35.89),
    country("SG", "SGP", "Singapore", 498.74),
    country("TH", "THA", "Thailand", 555.43),
    country("TR", "TUR", "Türkiye", 469.7),
    country("TW", "TWN", "Taiwan", 635.15),
    country("US", "USA", "United States", 383.55),
    country("VN", "VNM", "Viet Nam", 486.13),
    country("ZA", "ZAF", "South Africa", 713.9),
];

/// Every region, the aggregates first, then countries by alpha-2 code.
pub fn regions() -> &'static [Region] {
    REGIONS
}

/// The world average, the default intensity.
pub fn world() -> &'static Region {
    &WORLD
}

/// A region by code, in any case: alpha-2 (`de`), alpha-3 (`DEU`), or `world` / `eu`.
pub fn region(code: &str) -> Result<&'static Region, CarbonError> {
    let wanted = code.trim();
    REGIONS
        .iter()
        .find(|r| {
            r.code.eq_ignore_ascii_case(wanted)
                || r.alpha3.is_some_and(|a| a.eq_ignore_ascii_case(wanted))
        })
        .ok_or_else(|| CarbonError::UnknownRegion {
            code: code.to_string(),
            count: REGIONS.len(),
            known: REGIONS
                .iter()
                .map(|r| r.code)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case_and_accept_both_iso_forms() {
        assert_eq!(region("FR").expect("FR").g_co2e_per_kwh, 44.18);
        assert_eq!(region("fr").expect("fr").name, "France");
        assert_eq!(region("fra").expect("fra").code, "FR");
        assert_eq!(region(" De ").expect("de").g_co2e_per_kwh, 342.06);
        assert_eq!(region("us").expect("us").g_co2e_per_kwh, 383.55);
        assert_eq!(region("IND").expect("IND").g_co2e_per_kwh, 708.96);
        assert_eq!(region("world").expect("world"), world());
        assert_eq!(region("eu").expect("eu").alpha3, None);
    }

    #[test]
    fn unknown_codes_say_how_many_regions_there_are() {
        let err = region("XX").expect_err("unknown");
        let message = err.to_string();
        assert!(
            message.contains(&format!("flypy knows {} regions", regions().len())),
            "{message}"
        );
        assert!(message.contains("\"XX\""), "{message}");
        assert!(message.contains("WORLD, EU, AE"), "{message}");
        assert!(region("").is_err());
        assert!(region("F").is_err());
    }

    #[test]
    fn the_table_is_consistent() {
        // At least 25 countries besides the aggregates, as promised.
        assert!(regions().len() >= 27);
        assert_eq!(regions().first(), Some(world()));
        let mut codes: Vec<&str> = regions().iter().map(|r| r.code).collect();
        let mut alpha3: Vec<&str> = regions().iter().filter_map(|r| r.alpha3).collect();
        for r in regions() {
            assert_eq!(r.year, 2024, "{r:?}");
            assert_eq!(r.source, SOURCE, "{r:?}");
            // The cleanest grid is above 0 and the dirtiest below a lignite plant's ~1200.
            assert!((1.0..1200.0).contains(&r.g_co2e_per_kwh), "{r:?}");
            if let Some(a3) = r.alpha3 {
                assert_eq!(r.code.len(), 2, "{r:?}");
                assert_eq!(a3.len(), 3, "{r:?}");
                assert!(r
                    .code
                    .bytes()
                    .chain(a3.bytes())
                    .all(|b| b.is_ascii_uppercase()));
            }
        }
        let before = (codes.len(), alpha3.len());
        codes.sort_unstable();
        codes.dedup();
        alpha3.sort_unstable();
        alpha3.dedup();
        assert_eq!((codes.len(), alpha3.len()), before, "duplicate codes");
        // Countries are listed in code order after the two aggregates.
        let countries: Vec<&str> = regions().iter().skip(2).map(|r| r.code).collect();
        let mut sorted = countries.clone();
        sorted.sort_unstable();
        assert_eq!(countries, sorted);
    }

    #[test]
    fn describe_names_source_and_year() {
        assert_eq!(
            region("FR").expect("FR").describe(),
            "France (FR): 44.18 gCO2e/kWh, grid average 2024 (Ember, Yearly Electricity Data)"
        );
    }
}
