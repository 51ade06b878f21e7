//! The README's DuckDB query over the JSONL of a run split in parts gives the totals of
//! `summary --format json` over the captures. Run with the `duckdb` command when there is
//! one, else with DuckDB's Python package (`.ci/run` installs it); skipped, saying so, on a
//! machine with neither.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const INPUTS: [&str; 2] = ["fixtures/", "tests/data/sessions/"];
const PARTS: usize = 7;

/// The first ```sql block of the README that reads JSON: the query as users copy it.
fn readme_query() -> String {
    let readme = include_str!("../README.md");
    readme
        .split("```sql\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .find(|sql| sql.contains("read_json("))
        .expect("the README has a DuckDB query")
        .to_string()
}

/// Runs `sql` in `dir`, with the duckdb CLI or Python package; its one row as an object,
/// or `None` when neither is installed.
fn duckdb(sql: &str, dir: &Path) -> Option<Value> {
    let cli = Command::new("duckdb")
        .args(["-json", "-c", sql])
        .current_dir(dir)
        .output();
    if let Ok(out) = cli {
        let rows: Value = serde_json::from_slice(&ok(out)).expect("duckdb prints JSON");
        return Some(rows[0].clone());
    }
    // The DB-API calls, which every version of the package keeps.
    let script = "import duckdb, json, sys\n\
        cursor = duckdb.connect().execute(sys.stdin.read())\n\
        columns = [d[0] for d in cursor.description]\n\
        print(json.dumps(dict(zip(columns, cursor.fetchone())), default=float))\n";
    let has_package = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_package {
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", script])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some(serde_json::from_slice(&ok(out)).expect("the script prints JSON"))
}

fn ok(out: Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn the_readme_query_gives_the_summary_totals() {
    let dir = common::scratch("duckdb");
    for k in 1..=PARTS {
        let shard = format!("{k}/{PARTS}");
        let mut args = vec!["inspect", "--format", "jsonl", "--quiet", "--shard", &shard];
        args.extend(INPUTS);
        let jsonl = ok(common::run(&args));
        std::fs::write(dir.join(format!("part-{k}.jsonl")), jsonl).unwrap();
    }
    let Some(row) = duckdb(&readme_query(), &dir) else {
        eprintln!("skipped: neither the duckdb command nor its Python package is installed");
        return;
    };
    let mut args = vec!["summary", "--format", "json", "--quiet"];
    args.extend(INPUTS);
    let summary: Value = serde_json::from_slice(&ok(common::run(&args))).unwrap();
    let usage = &summary["usage"];
    let want = [
        ("turns", &summary["turns"]),
        ("input", &usage["input"]),
        ("output", &usage["output"]),
        ("cache_read", &usage["cache_read"]),
        ("cache_write", &usage["cache_write"]),
        ("reasoning", &usage["reasoning"]),
        ("tool_calls", &summary["tool_calls"]),
        ("thoughts", &summary["thoughts"]),
        ("errors", &summary["errors"]),
        ("incomplete", &summary["incomplete"]),
        ("priced_turns", &summary["cost"]["priced_turns"]),
        ("unpriced_turns", &summary["cost"]["unpriced_turns"]),
    ];
    for (column, value) in want {
        assert_eq!(
            row[column].as_u64(),
            value.as_u64(),
            "{column}: {row} against {summary}"
        );
    }
    assert!(summary["turns"].as_u64() > Some(100));
    // Dollars are added in another order: the same to the summary's 10 decimals, give or
    // take the last.
    let usd = row["cost_usd"].as_f64().unwrap();
    let want = summary["cost"]["usd"].as_f64().unwrap();
    assert!((usd - want).abs() < 2e-10, "{usd} against {want}");
    std::fs::remove_dir_all(&dir).unwrap();
}
