//! csops's report pages (SPEC §6 "A report a lead opens"): a page is a function of a report's
//! data — data in, one HTML text out, pure — so the command line, Python, C and the webhook
//! service give the same page. Each page is one self-contained file: its style is inline, its
//! charts are SVG drawn by [plotters](https://docs.rs/plotters), it has no script, and its
//! content security policy forbids fetching anything, so it opens offline and prints as it
//! shows. Every number on a page carries the JSON path of the report it comes from
//! (`data-json`), so a test (or a reader) can check it against the JSON report.

mod backtest;
mod board;
mod book;
mod charts;
mod page;

pub use backtest::{LISTED, backtest_page};
pub use board::{board_page, live_board_page};
pub use book::book_page;
pub use page::embedded;
