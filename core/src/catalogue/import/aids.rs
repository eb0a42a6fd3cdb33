use super::Ctx;
use crate::error::Result;

pub fn import(_ctx: &mut Ctx) -> Result<()> {
    Ok(())
}
