//! Snapshot tests of the command line (`tests/cmd/*.toml`, trycmd): every view and format
//! on the project's fixtures, at fixed widths, with and without colour. Refresh the
//! snapshots after an intended change with `TRYCMD=overwrite cargo test --test cmd`.

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
