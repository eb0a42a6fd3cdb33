use super::Ctx;
use crate::error::Result;

pub fn import_geo(_ctx: &mut Ctx) -> Result<()> {
    Ok(())
}

pub fn import_structures(_ctx: &mut Ctx) -> Result<()> {
    Ok(())
}
