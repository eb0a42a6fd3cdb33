use super::Ctx;
use crate::error::Result;

pub fn import(_ctx: &mut Ctx) -> Result<()> {
    Ok(())
}

/// Placeholder until the LHEO importer lands: no funder code is known yet.
pub fn funder_category(_code: &str) -> Option<&'static str> {
    None
}
