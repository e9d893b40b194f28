//! The file policy, in one place: what a script (and the REPL's `:load` and
//! `:save`) may write and read.
//!
//! - Writes go only inside the output folder: a relative path without `..`
//!   or control characters, with an accepted extension, to a name that is
//!   not a symlink, a folder or a special file; through a temporary file
//!   and a rename in the same folder.
//! - Reads come only from regular files under the allowed folders, at most
//!   [`MAX_READ_BYTES`] bytes.
//!
//! Paths are resolved beneath a handle to the output (or allowed) folder,
//! component by component, never following a symlink out of it (`cap-std`:
//! `openat2` with `RESOLVE_BENEATH` where the kernel has it, else one
//! `openat` per component with `O_NOFOLLOW`), and the checks are made on
//! what was opened. A second process that swaps a folder or a file for a
//! symlink between a check and a use cannot make a script read or write
//! outside: there is no such gap (`script/tests/it/hardening.rs` races it).
//!
//! Errors say which folder is allowed and how to allow another.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use scaling_lab_core::error::{Error, Result};

/// The largest file a script may read (CSV files of runs are kilobytes).
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// Where scripts may write and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePolicy {
    out_dir: PathBuf,
    read_dirs: Vec<PathBuf>,
    hints: FileHints,
}

/// How a front end's user changes the folders (said in refusals): the
/// command line has flags, a notebook kernel has its notebook's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHints {
    /// How to choose another output folder.
    pub out: String,
    /// How to allow reading another folder.
    pub read: String,
}

impl Default for FileHints {
    /// The command line's flags.
    fn default() -> Self {
        FileHints {
            out: "choose it with --out DIR".into(),
            read: "allow another with --allow-read DIR".into(),
        }
    }
}

impl Default for FilePolicy {
    /// Write to the current folder, read from nowhere.
    fn default() -> Self {
        FilePolicy {
            out_dir: PathBuf::from("."),
            read_dirs: Vec::new(),
            hints: FileHints::default(),
        }
    }
}

fn io_error(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// `.` and `..` folded away without touching the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A temporary name no other writer in this process picks.
fn temp_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        ".scaling-lab-{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl FilePolicy {
    /// Write under `out_dir`, read under each of `read_dirs`.
    pub fn new(out_dir: PathBuf, read_dirs: Vec<PathBuf>) -> FilePolicy {
        FilePolicy {
            out_dir,
            read_dirs,
            hints: FileHints::default(),
        }
    }

    /// The same folders, with refusals that say how `hints` changes them.
    pub fn with_hints(self, hints: FileHints) -> FilePolicy {
        FilePolicy { hints, ..self }
    }

    /// The output folder.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// The folders reads may come from.
    pub fn read_dirs(&self) -> &[PathBuf] {
        &self.read_dirs
    }

    fn read_dirs_text(&self) -> String {
        if self.read_dirs.is_empty() {
            "none".into()
        } else {
            self.read_dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// The name `path` (relative to the output folder) may be written:
    /// relative, no `..`, no control characters, an accepted extension
    /// (`exts`, lower case). Returns the path relative to the folder.
    pub fn writable_name(&self, path: &str, exts: &[&str]) -> Result<PathBuf> {
        let p = Path::new(path);
        let refuse = |why: &str| {
            io_error(
                p,
                format!(
                    "{why}; scripts write only inside the output folder '{}' ({})",
                    self.out_dir.display(),
                    self.hints.out
                ),
            )
        };
        if path.trim().is_empty() {
            return Err(Error::InvalidArgument {
                arg: "path".into(),
                expected: "a file name",
                value: "an empty string".into(),
            });
        }
        if let Some(c) = path.chars().find(|c| c.is_control()) {
            return Err(Error::InvalidArgument {
                arg: "path".into(),
                expected: "a file name without control characters",
                value: format!("a name with {c:?} in it"),
            });
        }
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !ext.as_deref().is_some_and(|e| exts.contains(&e)) {
            return Err(Error::InvalidArgument {
                arg: "path".into(),
                expected: if exts.len() == 1 {
                    "a file name with the right extension"
                } else {
                    "a file name with one of the accepted extensions"
                },
                value: format!("'{path}' (use .{})", exts.join(" or .")),
            });
        }
        for c in p.components() {
            match c {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => return Err(refuse("'..' is not allowed in a path")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(refuse("absolute paths are not allowed"))
                }
            }
        }
        Ok(lexical(p))
    }

    /// Write `bytes` to `path` under the output folder, atomically: a
    /// temporary file and a rename, both inside the folder handle the name
    /// resolves to. Returns where it went.
    pub fn write(&self, path: &str, exts: &[&str], bytes: &[u8]) -> Result<PathBuf> {
        let rel = self.writable_name(path, exts)?;
        let p = Path::new(path);
        let refuse = |why: &str| {
            io_error(
                p,
                format!(
                    "{why}; scripts write only inside the output folder '{}' ({})",
                    self.out_dir.display(),
                    self.hints.out
                ),
            )
        };
        let root = Dir::open_ambient_dir(&self.out_dir, ambient_authority()).map_err(|e| {
            io_error(
                &self.out_dir,
                format!("the output folder cannot be opened: {e}"),
            )
        })?;
        let name = rel.file_name().ok_or_else(|| refuse("not a file name"))?;
        let dir = match rel.parent().filter(|d| !d.as_os_str().is_empty()) {
            None => root,
            Some(sub) => root.open_dir(sub).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    io_error(
                        p,
                        format!("folder '{}' does not exist inside the output folder", sub.display()),
                    )
                } else {
                    refuse(&format!(
                        "the folder '{}' leads outside the output folder (a symlink?) or cannot be opened ({e})",
                        sub.display()
                    ))
                }
            })?,
        };
        if let Ok(meta) = dir.symlink_metadata(name) {
            if !meta.file_type().is_file() {
                return Err(refuse(
                    "the name exists and is not a regular file (a symlink, folder or device)",
                ));
            }
        }
        let io = |e: std::io::Error| io_error(p, e);
        let tmp = temp_name();
        let mut f = dir
            .open_with(&tmp, OpenOptions::new().write(true).create_new(true))
            .map_err(io)?;
        let written = f
            .write_all(bytes)
            .and_then(|()| {
                // Results are for sharing, like any new file.
                #[cfg(unix)]
                {
                    use cap_std::fs::PermissionsExt;
                    f.set_permissions(cap_std::fs::Permissions::from_mode(0o644))?;
                }
                f.sync_all()
            })
            .and_then(|()| dir.rename(&tmp, &dir, name));
        if let Err(e) = written {
            let _ = dir.remove_file(&tmp);
            return Err(io(e));
        }
        Ok(self.out_dir.join(rel))
    }

    /// Read `path` (relative to the current folder, or absolute) as UTF-8
    /// text: opened beneath the allowed folder it lies in, a regular file
    /// of at most [`MAX_READ_BYTES`].
    pub fn read_to_string(&self, path: &str) -> Result<String> {
        let p = Path::new(path);
        let outside = || {
            io_error(
                p,
                format!(
                    "outside the folders scripts may read ({}); {}",
                    self.read_dirs_text(),
                    self.hints.read
                ),
            )
        };
        let here = std::env::current_dir().map_err(|e| io_error(p, e))?;
        let wanted = lexical(&here.join(p));
        let (dir, rel) = self
            .read_dirs
            .iter()
            .filter_map(|d| {
                let base = lexical(&here.join(d));
                let real = d.canonicalize().ok();
                wanted
                    .strip_prefix(&base)
                    .ok()
                    .or_else(|| real.as_ref().and_then(|r| wanted.strip_prefix(r).ok()))
                    .map(|rel| (d, rel.to_path_buf()))
            })
            .next()
            .ok_or_else(outside)?;
        let root = Dir::open_ambient_dir(dir, ambient_authority()).map_err(|e| io_error(p, e))?;
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound => io_error(p, format!("cannot open: {e}")),
            std::io::ErrorKind::PermissionDenied => outside(),
            _ if e.to_string().contains("escape") || e.raw_os_error() == Some(18) => outside(),
            _ => io_error(p, format!("cannot open: {e}")),
        };
        let not_regular = || {
            io_error(
                p,
                "not a regular file (a folder, device or pipe cannot be read)",
            )
        };
        if rel.as_os_str().is_empty() || !root.metadata(&rel).map_err(io)?.is_file() {
            return Err(not_regular());
        }
        // Opened without blocking: a file swapped for a pipe after the
        // check above must not hang the script; what was opened is checked.
        let mut options = OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use cap_std::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let f = root.open_with(&rel, &options).map_err(io)?;
        let meta = f.metadata().map_err(|e| io_error(p, e))?;
        if !meta.is_file() {
            return Err(io_error(
                p,
                "not a regular file (a folder, device or pipe cannot be read)",
            ));
        }
        if meta.len() > MAX_READ_BYTES {
            return Err(io_error(
                p,
                format!(
                    "{} bytes, more than the {} MiB a script may read",
                    meta.len(),
                    MAX_READ_BYTES >> 20
                ),
            ));
        }
        let mut text = String::new();
        f.into_std()
            // A file that grows after the size check still stops at the cap.
            .take(MAX_READ_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| io_error(p, e))?;
        if text.len() as u64 > MAX_READ_BYTES {
            return Err(io_error(p, "grew past the size a script may read"));
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> (tempfile::TempDir, FilePolicy) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let p = FilePolicy::new(out, vec![dir.path().join("data")]);
        (dir, p)
    }

    #[test]
    fn writes_stay_inside_the_output_folder() {
        let (dir, p) = policy();
        let f = p.write("a.json", &["json"], b"1").unwrap();
        assert!(f.ends_with("out/a.json"));
        assert_eq!(std::fs::read(dir.path().join("out/a.json")).unwrap(), b"1");
        let msg = |r: Result<PathBuf>| r.unwrap_err().to_string();
        let w = |name: &str| p.write(name, &["json"], b"2");
        assert!(msg(w("/tmp/x.json")).contains("absolute paths are not allowed"));
        assert!(msg(w("../x.json")).contains("'..' is not allowed"));
        assert!(msg(p.write("x.txt", &["json"], b"")).contains("(use .json)"));
        assert!(msg(w("a\nb.json")).contains("control characters"));
        assert!(w("X.JSON").is_ok());
        assert!(msg(w("missing/x.json")).contains("does not exist"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), dir.path().join("out/link")).unwrap();
            assert!(msg(w("link/x.json")).contains("leads outside the output folder"));
            std::os::unix::fs::symlink(dir.path().join("victim"), dir.path().join("out/l.json"))
                .unwrap();
            assert!(msg(w("l.json")).contains("not a regular file"));
            assert!(!dir.path().join("victim").exists() && !dir.path().join("x.json").exists());
        }
    }

    #[test]
    fn reads_only_regular_files_in_allowed_folders() {
        let (dir, p) = policy();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let ok = dir.path().join("data/runs.csv");
        std::fs::write(&ok, "N,loss\n1,2\n").unwrap();
        assert_eq!(
            p.read_to_string(ok.to_str().unwrap()).unwrap(),
            "N,loss\n1,2\n"
        );
        let e = p.read_to_string("/etc/passwd").unwrap_err().to_string();
        assert!(
            e.contains("outside the folders scripts may read") && e.contains("--allow-read"),
            "{e}"
        );
        let d = dir.path().join("data");
        assert!(p
            .read_to_string(d.to_str().unwrap())
            .unwrap_err()
            .to_string()
            .contains("not a regular file"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", d.join("leak.csv")).unwrap();
            let e = p
                .read_to_string(d.join("leak.csv").to_str().unwrap())
                .unwrap_err()
                .to_string();
            assert!(e.contains("outside the folders scripts may read"), "{e}");
        }
        let none = FilePolicy::default();
        assert!(none
            .read_to_string(ok.to_str().unwrap())
            .unwrap_err()
            .to_string()
            .contains("(none)"));
    }
}
