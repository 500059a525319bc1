//! The run-time side of hardening: a seccomp profile in the Docker/OCI JSON format, a
//! Kubernetes `securityContext`, and the equivalent `docker run` / `podman run` flags.
//!
//! The seccomp allow-list follows the facts of the container runtimes' default profile (moby's
//! `profiles/seccomp/default.json`: deny with EPERM by default, allow the ordinary process,
//! file, memory, signal, socket and time system calls; the calls gated on capabilities such as
//! `CAP_SYS_ADMIN` are left out because the hardened image runs with every capability
//! dropped). It was written from those facts, not copied. From it, hardening removes only
//! what it can justify from the image alone, see [`seccomp_profile`].

use serde_json::{json, Value};

/// System calls the runtimes' default profile allows without a capability condition.
pub const DEFAULT_ALLOW: &[&str] = &[
    "accept",
    "accept4",
    "access",
    "adjtimex",
    "alarm",
    "bind",
    "brk",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "clone",
    "clone3",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "get_robust_list",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "get_thread_area",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "ioctl",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "ioprio_get",
    "ioprio_set",
    "io_setup",
    "io_submit",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "_llseek",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "map_shadow_stack",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "name_to_handle_at",
    "nanosleep",
    "newfstatat",
    "_newselect",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "pselect6",
    "pselect6_time64",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "set_robust_list",
    "setsid",
    "setsockopt",
    "set_thread_area",
    "set_tid_address",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigprocmask",
    "sigreturn",
    "socket",
    "socketcall",
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
    "arch_prctl",
    "modify_ldt",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "personality",
];

/// Debuggers and tracers: when none is in the image, nothing in it uses `ptrace` or reads
/// another process's memory, so those calls go.
const TRACERS: &[&str] = &["gdb", "strace", "ltrace", "perf", "valgrind", "rr", "lldb"];

/// Calls only tracers and debuggers make.
pub const TRACE_CALLS: &[&str] = &["ptrace", "process_vm_readv", "process_vm_writev"];

/// The profile for an image whose final files are `paths`; returns it and what was removed
/// from the default list with the reason.
pub fn seccomp_profile<'a>(paths: impl Iterator<Item = &'a str>) -> (Value, Vec<String>) {
    // Only programs count: a tracer is something on PATH, not any file that shares its
    // name (Python's `profile`/`perf` modules, docs directories).
    let has_tracer = paths
        .filter_map(|p| p.rsplit_once('/'))
        .any(|(dir, base)| crate::policy::is_bin_dir(dir) && TRACERS.contains(&base));
    let mut removed = Vec::new();
    let allow: Vec<&str> = DEFAULT_ALLOW
        .iter()
        .copied()
        .filter(|s| {
            let drop = !has_tracer && TRACE_CALLS.contains(s);
            if drop {
                removed.push(format!("{s}: no debugger or tracer in the image"));
            }
            !drop
        })
        .collect();
    let profile = json!({
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "archMap": [
            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
            {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
        ],
        "syscalls": [
            {"names": allow, "action": "SCMP_ACT_ALLOW"}
        ]
    });
    (profile, removed)
}

/// A Kubernetes Pod snippet with the matching `securityContext`.
pub fn k8s_snippet(uid: u64, gid: u64, profile_file: &str) -> String {
    format!(
        "# seatbelt harden: the securityContext matching the hardened image.\n\
         # Copy the seccomp profile to the node's kubelet seccomp directory as {profile_file}.\n\
         apiVersion: v1\n\
         kind: Pod\n\
         spec:\n\
         \x20 securityContext:\n\
         \x20   runAsNonRoot: true\n\
         \x20   runAsUser: {uid}\n\
         \x20   runAsGroup: {gid}\n\
         \x20   seccompProfile:\n\
         \x20     type: Localhost\n\
         \x20     localhostProfile: {profile_file}\n\
         \x20 containers:\n\
         \x20   - name: app\n\
         \x20     securityContext:\n\
         \x20       readOnlyRootFilesystem: true\n\
         \x20       allowPrivilegeEscalation: false\n\
         \x20       capabilities:\n\
         \x20         drop: [ALL]\n\
         \x20     volumeMounts:\n\
         \x20       - {{name: tmp, mountPath: /tmp}}\n\
         \x20 volumes:\n\
         \x20   - {{name: tmp, emptyDir: {{}}}}\n"
    )
}

/// `docker run` / `podman run` flags for the hardened image.
pub fn run_flags(uid: u64, gid: u64, profile_file: Option<&str>) -> String {
    let mut flags = format!(
        "--read-only --user {uid}:{gid} --cap-drop ALL --security-opt no-new-privileges --tmpfs /tmp"
    );
    if let Some(file) = profile_file {
        flags.push_str(&format!(" --security-opt seccomp={file}"));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_trace_calls_only_without_tracers() {
        let (p, removed) = seccomp_profile(["usr/bin/python3.11"].into_iter());
        let names = p["syscalls"][0]["names"].as_array().unwrap();
        assert!(!names.iter().any(|n| n == "ptrace"));
        assert!(names.iter().any(|n| n == "execve"));
        assert_eq!(removed.len(), 3);
        let (p, _) = seccomp_profile(["usr/share/perf", "usr/lib/rr"].into_iter());
        assert!(!p["syscalls"][0]["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "ptrace"));
        let (p, removed) = seccomp_profile(["usr/bin/gdb"].into_iter());
        assert!(p["syscalls"][0]["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "ptrace"));
        assert!(removed.is_empty());
    }
}
