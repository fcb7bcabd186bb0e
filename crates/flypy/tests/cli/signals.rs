//! Issue 13: nothing is left behind when flypy is stopped. Ctrl-C (SIGINT), SIGTERM and SIGHUP
//! stop every child and remove every temporary file, and flypy exits 128 + the signal; when
//! flypy is killed with SIGKILL, its helper dies with it (the kernel's parent-death signal).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether process `pid` is gone (or only a zombie waiting for a parent that is not flypy).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `flypy trace` on a busy program that writes its process id into `dir/pid`, with
/// TMPDIR `dir/tmp`; returns flypy and the program's process id once it runs.
fn busy_trace(dir: &Path) -> (Child, u32) {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp");
    let pid_file = dir.join("pid");
    let code = format!(
        "import os\nopen({:?}, 'w').write(str(os.getpid()))\nwhile True: pass\n",
        pid_file.display().to_string()
    );
    let flypy = Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args(["trace", "-c", &code])
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("flypy starts");
    let mut pid = None;
    wait_for("the traced program starts", Duration::from_secs(30), || {
        pid = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.trim().parse().ok());
        pid.is_some()
    });
    (flypy, pid.unwrap_or_default())
}

fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill")
        .args(["-s", name, &pid.to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -s {name} {pid}");
}

fn exit_code_within(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        assert!(
            start.elapsed() < limit,
            "flypy still running after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_signal_stops_every_child_removes_temporary_files_and_exits_128_plus_it() {
    for (name, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let dir = tempfile::tempdir().expect("dir");
        let (mut flypy, program) = busy_trace(dir.path());
        signal(flypy.id(), name);
        assert_eq!(
            exit_code_within(&mut flypy, Duration::from_secs(10)),
            Some(code),
            "SIG{name}"
        );
        wait_for("the traced program stops", Duration::from_secs(5), || {
            gone(program)
        });
        let left: Vec<_> = std::fs::read_dir(dir.path().join("tmp"))
            .expect("tmp")
            .map(|e| e.map(|e| e.file_name()))
            .collect();
        assert!(left.is_empty(), "SIG{name}: temporary files left: {left:?}");
    }
}

#[test]
fn the_helper_dies_with_flypy_even_when_flypy_is_killed_outright() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut flypy, program) = busy_trace(dir.path());
    signal(flypy.id(), "KILL");
    let _ = flypy.wait();
    wait_for(
        "the traced program dies with flypy",
        Duration::from_secs(5),
        || gone(program),
    );
}

#[test]
fn a_normal_run_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args(["trace", "-c", "print(sum(range(10)))"])
        .env("TMPDIR", dir.path())
        .output()
        .expect("runs");
    assert!(out.status.success());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.map(|e| e.file_name()))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// flypy's own temporary folder is not the program's business: it sees the
/// user's TMPDIR and no variable of flypy's.
#[test]
fn the_program_sees_the_users_environment() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args([
            "trace",
            "-c",
            "import os, tempfile\nprint(tempfile.gettempdir(), 'FLYPY_PARENT_PID' in os.environ)",
        ])
        .env("TMPDIR", dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(first, format!("{} False", dir.path().display()), "{text}");
}

/// Every process under `root` (children, their children, …), from the process table.
fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid …": the command name may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut k = 0;
    while k < found.len() {
        let p = found[k];
        found.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        k += 1;
    }
    found.remove(0);
    found
}

/// Issue 13's "done when": SIGINT, SIGTERM and SIGHUP to trace, time, cost and dive, each busy
/// in a statement that never ends, stop every process flypy started (the process table is read
/// before the signal), leave the temporary folder as it was, and exit 128 + the signal.
#[test]
fn every_command_stops_its_whole_process_tree_on_each_signal() {
    let valgrind = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    for command in ["trace", "time", "cost", "dive"] {
        if command == "cost" && !valgrind {
            eprintln!("cost skipped: valgrind is not installed");
            continue;
        }
        for (name, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
            let context = format!("{command}, SIG{name}");
            let dir = tempfile::tempdir().expect("dir");
            let tmp = dir.path().join("tmp");
            std::fs::create_dir_all(&tmp).expect("tmp");
            let pid_file = dir.path().join("pid");
            let setup = format!(
                "import os\nopen({:?}, 'w').write(str(os.getpid()))",
                pid_file.display().to_string()
            );
            let mut args = vec![command.to_owned()];
            match command {
                "trace" => args.extend(["-c".to_owned(), format!("{setup}\nwhile True: pass")]),
                _ => args.extend([
                    "-s".to_owned(),
                    setup,
                    "pass".to_owned(),
                    "while True: pass".to_owned(),
                ]),
            }
            let mut flypy = Command::new(env!("CARGO_BIN_EXE_flypy"))
                .args(&args)
                .env("TMPDIR", &tmp)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("flypy starts");
            wait_for(&context, Duration::from_secs(60), || pid_file.exists());
            // The program runs; let it get into its loop, then see what flypy has started.
            std::thread::sleep(Duration::from_millis(300));
            let started = descendants(flypy.id());
            assert!(!started.is_empty(), "{context}: no child found");
            signal(flypy.id(), name);
            assert_eq!(
                exit_code_within(&mut flypy, Duration::from_secs(15)),
                Some(code),
                "{context}"
            );
            wait_for(
                &format!("{context}: every process flypy started stops ({started:?})"),
                Duration::from_secs(10),
                || started.iter().all(|p| gone(*p)),
            );
            let left: Vec<_> = std::fs::read_dir(&tmp)
                .expect("tmp")
                .map(|e| e.map(|e| e.file_name()))
                .collect();
            assert!(left.is_empty(), "{context}: temporary files left: {left:?}");
        }
    }
}
