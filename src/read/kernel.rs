//! Files of the kernel's own file systems (`/proc`, `/sys`, debugfs, cgroups, …), wherever
//! they are mounted: none holds a capture, and some never end while saying they are empty
//! (`/proc/kmsg` waits for the kernel's next message; reading it also takes that message
//! from the system's logger). They are told by their file system's type, not their path: a
//! container's or a chroot's `proc` may be mounted anywhere, and a link may lead there from
//! a path of any length.

use std::fs::File;
use std::path::Path;

/// The kernel's file system `file` is on, by name, if it is on one.
pub fn of_file(file: &File) -> Option<&'static str> {
    imp::of_file(file)
}

/// The kernel's file system `path` (a folder, links followed) is on, by name, if any.
pub fn of_path(path: &Path) -> Option<&'static str> {
    imp::of_path(path)
}

#[cfg(target_os = "linux")]
mod imp {
    use std::ffi::CString;
    use std::fs::File;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// The magic numbers of `statfs(2)` (`linux/magic.h`) of the file systems the kernel
    /// makes up as they are read.
    const KERNEL: [(i64, &str); 18] = [
        (0x9fa0, "procfs"),
        (0x6265_6572, "sysfs"),
        (0x6462_6720, "debugfs"),
        (0x7472_6163, "tracefs"),
        (0x7363_6673, "securityfs"),
        (0x0027_e0eb, "cgroupfs"),
        (0x6367_7270, "cgroup2fs"),
        (0xcafe_4a11, "bpffs"),
        (0x1cd1, "devpts"),
        (0x6265_6570, "configfs"),
        (0x6165_676c, "pstorefs"),
        (0xde5e_81e4, "efivarfs"),
        (0x4249_4e4d, "binfmt_misc"),
        (0x1980_0202, "mqueue"),
        (0x6573_5543, "fusectl"),
        (0x6e73_6673, "nsfs"),
        (0x6759_6969, "rpc_pipefs"),
        (0xf97c_ff8c, "selinuxfs"),
    ];

    fn kind(stat: &libc::statfs) -> Option<&'static str> {
        #[allow(clippy::unnecessary_cast)]
        let magic = stat.f_type as i64;
        KERNEL
            .iter()
            .find(|(m, _)| *m == magic)
            .map(|(_, name)| *name)
    }

    pub fn of_file(file: &File) -> Option<&'static str> {
        // SAFETY: `statfs` is plain data, all zeros a valid value; `fstatfs` writes it
        // for an open descriptor and touches nothing else.
        let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::fstatfs(file.as_raw_fd(), &mut stat) };
        (done == 0).then(|| kind(&stat)).flatten()
    }

    pub fn of_path(path: &Path) -> Option<&'static str> {
        let path = CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: as above; `path` is a NUL-terminated string that outlives the call.
        let mut stat: libc::statfs = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::statfs(path.as_ptr(), &mut stat) };
        (done == 0).then(|| kind(&stat)).flatten()
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::fs::File;
    use std::path::Path;

    pub fn of_file(_: &File) -> Option<&'static str> {
        None
    }

    pub fn of_path(_: &Path) -> Option<&'static str> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn proc_and_sys_are_the_kernels_and_a_temporary_folder_is_not() {
        assert_eq!(of_path(Path::new("/proc/self")), Some("procfs"));
        assert_eq!(of_path(Path::new("/sys")), Some("sysfs"));
        assert_eq!(
            of_file(&File::open("/proc/version").unwrap()),
            Some("procfs")
        );
        assert_eq!(of_path(&std::env::temp_dir()), None);
        assert_eq!(of_file(&File::open(file!()).unwrap()), None);
    }
}
