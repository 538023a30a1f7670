//! How many tests run at once when `--jobs` does not say.
//!
//! Tests mostly wait on timers and mock servers, so several per CPU keep the
//! machine busy. What bounds them is the worst case: every test at once
//! using all the memory it may ([`MEMORY_LIMIT_BYTES`]), as a class of memory
//! bombs would. That must fit in the memory the machine (or its container)
//! still has, or the bombs would take the grader down with them.

use crate::sandbox::MEMORY_LIMIT_BYTES;

/// Tests per CPU for one grading. The run phase of all tasks, on 2 cores:
/// 0.61 s at 4, 0.45 s at 8, 0.36 s at 12, and 0.50 s with all 54 at once,
/// when starting them is what waits. Not 12: with each test's limits, 16
/// bombs at once (memory, processes) load the machine as 8 did at twice
/// those limits, which is what the sandbox's own tests have shown to end
/// in time; 24 would not.
pub const TESTS_PER_CPU: usize = 8;

/// The share of the usable memory that all tests' limits together may
/// reach: the rest is the grader's, its compilers' and the system's.
const MEMORY_SHARE_PERCENT: u64 = 75;

/// `per_cpu` tests per CPU, fewer where the memory would not hold that many
/// tests at their limit.
pub fn test_jobs(per_cpu: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(2, usize::from);
    jobs_for(cpus, per_cpu, usable_memory())
}

fn jobs_for(cpus: usize, per_cpu: usize, memory: Option<u64>) -> usize {
    let by_cpu = cpus.saturating_mul(per_cpu).max(1);
    match memory {
        Some(bytes) => {
            let by_memory = bytes.saturating_mul(MEMORY_SHARE_PERCENT) / 100 / MEMORY_LIMIT_BYTES;
            by_cpu.min(usize::try_from(by_memory).unwrap_or(usize::MAX).max(1))
        }
        None => by_cpu,
    }
}

/// The memory this process and its children may still take: what the
/// system has available, or less where a cgroup (a container's, a CI
/// runner's) sets a lower bound. None where neither can be read.
fn usable_memory() -> Option<u64> {
    let system = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| meminfo_available(&text));
    [system, cgroup_room()].into_iter().flatten().min()
}

/// `MemAvailable` of /proc/meminfo, in bytes.
fn meminfo_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// The room left under this process's cgroup memory limit (v2's
/// `memory.max`, or v1's `memory.limit_in_bytes`), if it has one.
fn cgroup_room() -> Option<u64> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let v2 = own
        .lines()
        .find_map(|line| line.strip_prefix("0::"))
        .map(|path| std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/')));
    let (limit, usage) = match v2 {
        Some(dir) => (dir.join("memory.max"), dir.join("memory.current")),
        None => {
            let dir = std::path::Path::new("/sys/fs/cgroup/memory");
            (
                dir.join("memory.limit_in_bytes"),
                dir.join("memory.usage_in_bytes"),
            )
        }
    };
    let number = |path: std::path::PathBuf| -> Option<u64> {
        std::fs::read_to_string(path).ok()?.trim().parse().ok()
    };
    // "max" (no limit) does not parse, and v1 says "no limit" with a huge one.
    let limit = number(limit)?;
    Some(limit.saturating_sub(number(usage).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1024 * 1024 * 1024;

    #[test]
    fn the_cpus_decide_where_memory_is_plenty() {
        assert_eq!(jobs_for(2, 8, Some(64 * GIB)), 16);
        assert_eq!(jobs_for(2, 8, None), 16);
    }

    #[test]
    fn memory_bounds_the_tests_at_their_limit() {
        let per_test = MEMORY_LIMIT_BYTES;
        // Three quarters of 8 tests' worth hold 6 of them.
        assert_eq!(jobs_for(4, 8, Some(8 * per_test)), 6);
        // A container with less than one test's worth still runs one.
        assert_eq!(jobs_for(2, 8, Some(per_test / 2)), 1);
        assert_eq!(jobs_for(0, 8, None), 1);
    }

    #[test]
    fn meminfo_and_cgroup_figures_are_read() {
        let meminfo = "MemTotal:       24683612 kB\nMemFree:        20000000 kB\nMemAvailable:   23000000 kB\n";
        assert_eq!(meminfo_available(meminfo), Some(23_000_000 * 1024));
        assert_eq!(meminfo_available("MemTotal: 1 kB\n"), None);
        // Whatever this machine says, it is read without failing.
        let _ = usable_memory();
    }
}
