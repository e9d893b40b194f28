//! The file policy, in one place: what a script (and the REPL's `:load` and
//! `:save`) may write and read.
//!
//! - Writes go only inside the output folder: relative paths without `..`,
//!   whose folder (symlinks resolved) lies inside the output folder, to a
//!   name that is not a symlink, a folder or a special file; through a
//!   temporary file and a rename in the same folder.
//! - Reads come only from regular files under the allowed folders (symlinks
//!   resolved), at most [`MAX_READ_BYTES`] bytes.
//!
//! Errors say which folder is allowed and how to allow another.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use scaling_lab_core::error::{Error, Result};

/// The largest file a script may read (CSV files of runs are kilobytes).
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// Where scripts may write and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePolicy {
    out_dir: PathBuf,
    read_dirs: Vec<PathBuf>,
}

impl Default for FilePolicy {
    /// Write to the current folder, read from nowhere.
    fn default() -> Self {
        FilePolicy {
            out_dir: PathBuf::from("."),
            read_dirs: Vec::new(),
        }
    }
}

fn io_error(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

fn canonical(dir: &Path) -> Option<PathBuf> {
    dir.canonicalize().ok()
}

impl FilePolicy {
    /// Write under `out_dir`, read under each of `read_dirs`.
    pub fn new(out_dir: PathBuf, read_dirs: Vec<PathBuf>) -> FilePolicy {
        FilePolicy { out_dir, read_dirs }
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

    /// The file `path` (relative to the output folder) may be written:
    /// returns where. `exts` are the accepted extensions, lower case.
    pub fn writable(&self, path: &str, exts: &[&str]) -> Result<PathBuf> {
        let p = Path::new(path);
        let refuse = |why: &str| {
            io_error(
                p,
                format!(
                    "{why}; scripts write only inside the output folder '{}' (choose it with --out DIR)",
                    self.out_dir.display()
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
        let out = canonical(&self.out_dir)
            .ok_or_else(|| io_error(&self.out_dir, "the output folder does not exist"))?;
        let target = self.out_dir.join(p);
        let parent = target.parent().unwrap_or(&self.out_dir);
        let parent = canonical(parent).ok_or_else(|| {
            io_error(
                p,
                format!(
                    "folder '{}' does not exist inside the output folder",
                    parent.display()
                ),
            )
        })?;
        if !parent.starts_with(&out) {
            return Err(refuse(
                "the folder leads outside the output folder (a symlink?)",
            ));
        }
        let file = parent.join(target.file_name().unwrap_or_default());
        if let Ok(meta) = std::fs::symlink_metadata(&file) {
            if !meta.file_type().is_file() {
                return Err(refuse(
                    "the name exists and is not a regular file (a symlink, folder or device)",
                ));
            }
        }
        Ok(file)
    }

    /// Write `bytes` to `path` under the output folder, atomically.
    pub fn write(&self, path: &str, exts: &[&str], bytes: &[u8]) -> Result<PathBuf> {
        let file = self.writable(path, exts)?;
        scaling_lab_core::atomic::write_atomic(&file, bytes)?;
        Ok(file)
    }

    /// The file `path` (relative to the current folder) may be read: returns
    /// its resolved location.
    pub fn readable(&self, path: &str) -> Result<PathBuf> {
        let p = Path::new(path);
        let resolved = p
            .canonicalize()
            .map_err(|e| io_error(p, format!("cannot open: {e}")))?;
        let allowed = self
            .read_dirs
            .iter()
            .filter_map(|d| canonical(d))
            .any(|d| resolved.starts_with(d));
        if !allowed {
            return Err(io_error(
                p,
                format!(
                    "outside the folders scripts may read ({}); allow another with --allow-read DIR",
                    self.read_dirs_text()
                ),
            ));
        }
        let meta = std::fs::metadata(&resolved).map_err(|e| io_error(p, e))?;
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
        Ok(resolved)
    }

    /// Read `path` as UTF-8 text, subject to [`FilePolicy::readable`].
    pub fn read_to_string(&self, path: &str) -> Result<String> {
        let resolved = self.readable(path)?;
        let p = Path::new(path);
        let mut text = String::new();
        std::fs::File::open(&resolved)
            .map_err(|e| io_error(p, e))?
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
        let msg = |r: Result<PathBuf>| r.unwrap_err().to_string();
        assert!(
            msg(p.writable("/tmp/x.json", &["json"])).contains("absolute paths are not allowed")
        );
        assert!(msg(p.writable("../x.json", &["json"])).contains("'..' is not allowed"));
        assert!(msg(p.writable("x.txt", &["json"])).contains("(use .json)"));
        assert!(p.writable("X.JSON", &["json"]).is_ok());
        assert!(msg(p.writable("missing/x.json", &["json"])).contains("does not exist"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), dir.path().join("out/link")).unwrap();
            assert!(msg(p.writable("link/x.json", &["json"])).contains("leads outside"));
            std::os::unix::fs::symlink(dir.path().join("victim"), dir.path().join("out/l.json"))
                .unwrap();
            assert!(msg(p.writable("l.json", &["json"])).contains("not a regular file"));
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
        let e = p.readable("/etc/passwd").unwrap_err().to_string();
        assert!(
            e.contains("outside the folders scripts may read") && e.contains("--allow-read"),
            "{e}"
        );
        let d = dir.path().join("data");
        assert!(p
            .readable(d.to_str().unwrap())
            .unwrap_err()
            .to_string()
            .contains("not a regular file"));
        let none = FilePolicy::default();
        assert!(none
            .readable(ok.to_str().unwrap())
            .unwrap_err()
            .to_string()
            .contains("(none)"));
    }
}
