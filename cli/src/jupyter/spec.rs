//! The kernelspec: `scaling-lab kernel install` writes `kernel.json` and a
//! logo where Jupyter looks for kernels; `uninstall` removes them.

use std::path::{Path, PathBuf};

/// Kernel name in the kernelspec folder and in notebooks' metadata.
pub const NAME: &str = "scaling-lab";
/// Name shown in Jupyter's launcher and kernel menu.
pub const DISPLAY_NAME: &str = "Rhai (scaling-lab)";

/// The kernel's logos (a falling power law on log-log axes), as Jupyter
/// wants them: PNG files beside kernel.json.
const LOGO_32: &[u8] = include_bytes!("logo-32x32.png");
const LOGO_64: &[u8] = include_bytes!("logo-64x64.png");

/// Where to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The user's Jupyter data folder (`~/.local/share/jupyter` on Linux).
    User,
    /// `PREFIX/share/jupyter` (a virtual environment, a conda env, /usr/local).
    Prefix(PathBuf),
    /// The active Python environment (`$VIRTUAL_ENV` or `$CONDA_PREFIX`).
    SysPrefix,
}

/// `.../kernels/scaling-lab` for a location.
pub fn kernel_dir(location: &Location) -> Result<PathBuf, String> {
    let data = match location {
        Location::User => match std::env::var_os("JUPYTER_DATA_DIR") {
            Some(d) => PathBuf::from(d),
            None => dirs::data_dir()
                .ok_or("error: cannot find the user data folder; use --prefix DIR")?
                .join("jupyter"),
        },
        Location::Prefix(p) => p.join("share").join("jupyter"),
        Location::SysPrefix => {
            let prefix = std::env::var_os("VIRTUAL_ENV")
                .or_else(|| std::env::var_os("CONDA_PREFIX"))
                .ok_or("error: --sys-prefix needs an active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX); use --prefix DIR")?;
            PathBuf::from(prefix).join("share").join("jupyter")
        }
    };
    Ok(data.join("kernels").join(NAME))
}

/// The kernel.json for this executable.
pub fn kernel_json(exe: &Path) -> serde_json::Value {
    serde_json::json!({
        "argv": [exe.display().to_string(), "kernel", "--connection-file", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "rhai",
        "interrupt_mode": "signal",
        "metadata": { "debugger": false }
    })
}

/// Install the kernelspec; returns the folder written.
pub fn install(location: &Location) -> Result<PathBuf, String> {
    let dir = kernel_dir(location)?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("error: cannot create '{}': {e}", dir.display()))?;
    let exe =
        std::env::current_exe().map_err(|e| format!("error: cannot find this executable: {e}"))?;
    let json = serde_json::to_string_pretty(&kernel_json(&exe)).expect("JSON serialises");
    let write = |name: &str, bytes: &[u8]| {
        scaling_lab_core::atomic::write_atomic(&dir.join(name), bytes)
            .map_err(|e| format!("error: {e}"))
    };
    write("kernel.json", json.as_bytes())?;
    write("logo-32x32.png", LOGO_32)?;
    write("logo-64x64.png", LOGO_64)?;
    Ok(dir)
}

/// Remove the kernelspec; returns the folder removed.
pub fn uninstall(location: &Location) -> Result<PathBuf, String> {
    let dir = kernel_dir(location)?;
    if !dir.join("kernel.json").exists() {
        return Err(format!(
            "error: no scaling-lab kernel installed in '{}'",
            dir.display()
        ));
    }
    std::fs::remove_dir_all(&dir)
        .map_err(|e| format!("error: cannot remove '{}': {e}", dir.display()))?;
    Ok(dir)
}
