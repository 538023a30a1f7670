//! How busy the machine's CPUs were while a test ran: what tells a timing
//! failure that load may have caused from one it cannot have.
//!
//! A right answer misses a timing bound only when it waited for a CPU; on a
//! machine whose CPUs sat idle for most of the run, a failure is the code's
//! own. Read from `/proc/stat`, Linux's count of CPU time by kind since boot.
//! Elsewhere nothing is known, and every timing failure counts as possibly
//! load's.

/// CPU time, summed over every CPU, up to one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// Time spent running anything, or taken by the hypervisor (`steal`:
    /// on a shared VM the test waited for that too).
    busy: u64,
    /// `busy` plus the time spent idle (waiting for I/O included).
    total: u64,
}

impl CpuTimes {
    /// The CPU times now, or `None` where they cannot be read.
    pub fn now() -> Option<CpuTimes> {
        if cfg!(target_os = "linux") {
            let stat = std::fs::read_to_string("/proc/stat").ok()?;
            CpuTimes::parse(&stat)
        } else {
            None
        }
    }

    /// Times made up, for the run's tests of fake suites (Unix shell
    /// scripts).
    #[cfg(all(test, unix))]
    pub fn from_ticks(busy: u64, total: u64) -> CpuTimes {
        CpuTimes { busy, total }
    }

    /// The summary line of `/proc/stat`: `cpu  user nice system idle iowait
    /// irq softirq steal guest guest_nice`, in clock ticks. Guest time is
    /// already counted in user time, so it is left out.
    fn parse(stat: &str) -> Option<CpuTimes> {
        let line = stat.lines().next()?.strip_prefix("cpu ")?;
        let ticks: Vec<u64> = line
            .split_whitespace()
            .take(8)
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let [user, nice, system, idle, iowait, irq, softirq, steal] = ticks[..] else {
            return None;
        };
        let busy = user + nice + system + irq + softirq + steal;
        Some(CpuTimes {
            busy,
            total: busy + idle + iowait,
        })
    }

    /// The share of the CPUs' time (0 to 1) that was busy between `earlier`
    /// and `self`; `None` when no tick passed (too short to tell).
    pub fn busy_share_since(&self, earlier: &CpuTimes) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let busy = self.busy.checked_sub(earlier.busy)?;
        (total > 0).then(|| busy as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_read_and_guest_time_not_counted_twice() {
        let stat = "cpu  100 5 50 800 20 3 2 10 40 0\ncpu0 50 2 25 400 10 1 1 5 20 0\n";
        assert_eq!(
            CpuTimes::parse(stat),
            Some(CpuTimes {
                busy: 170,
                total: 990
            })
        );
        assert_eq!(CpuTimes::parse("cpu0 1 2 3 4 5 6 7 8\n"), None);
        assert_eq!(CpuTimes::parse("cpu  1 2 3\n"), None);
    }

    #[test]
    fn the_busy_share_is_of_the_time_between_two_readings() {
        let earlier = CpuTimes {
            busy: 100,
            total: 400,
        };
        let later = CpuTimes {
            busy: 250,
            total: 600,
        };
        assert_eq!(later.busy_share_since(&earlier), Some(0.75));
        assert_eq!(earlier.busy_share_since(&earlier), None);
        assert_eq!(earlier.busy_share_since(&later), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_machines_times_can_be_read() {
        let times = CpuTimes::now().expect("/proc/stat");
        assert!(times.busy <= times.total);
    }
}
