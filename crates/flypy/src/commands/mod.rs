pub mod dis;
mod dis_json;
pub mod pythons;
mod quickened;
pub mod trace;

/// `--format` values shared by the commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}
