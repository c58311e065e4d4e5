//! `--partition K/N`: one CI job's share of a run, in nextest's spelling (`K/N` or
//! `count:K/N`). `sim` takes the K-th of N contiguous slices of its seed range, `check` and the
//! loom runner every N-th scenario starting at the K-th; `xpcheck merge` ([`super::merge`])
//! puts the N reports back together with the verdict rules of one run.

use std::fmt;
use std::str::FromStr;

/// The K-th of N shares of a run (1 <= K <= N).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Partition {
    /// K, from 1.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

/// The environment variable the loom runner and the conformance API read a partition from
/// (`XPCHECK_PARTITION=2/3`), since a `cargo test` run has no command-line options of ours.
pub const ENV_PARTITION: &str = "XPCHECK_PARTITION";

impl Partition {
    /// The whole run (1/1).
    pub const WHOLE: Partition = Partition { index: 1, count: 1 };

    /// This share of the seeds `from..to` (`to` exclusive): the K-th of N contiguous slices,
    /// sizes differing by at most one, together exactly `from..to`.
    pub fn seeds(self, from: u64, to: u64) -> (u64, u64) {
        let len = u128::from(to.saturating_sub(from));
        let cut = |k: u32| from + (len * u128::from(k) / u128::from(self.count)) as u64;
        (cut(self.index - 1), cut(self.index))
    }

    /// Whether this share runs the `i`-th (from 0) of a list of scenarios: every N-th,
    /// starting at the K-th.
    pub fn takes(self, i: usize) -> bool {
        i % self.count as usize == (self.index - 1) as usize
    }

    /// This share of a list of scenarios (see [`Partition::takes`]).
    pub fn share<T>(self, items: impl IntoIterator<Item = T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| self.takes(i))
            .map(|(_, t)| t)
            .collect()
    }

    /// The partition named by [`ENV_PARTITION`], if set. A malformed value is an error that
    /// names the variable.
    pub fn from_env() -> Result<Option<Partition>, String> {
        match std::env::var(ENV_PARTITION) {
            Ok(v) => v
                .parse()
                .map(Some)
                .map_err(|e| format!("{ENV_PARTITION}={v:?}: {e}")),
            Err(_) => Ok(None),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Partition {
    type Err = String;

    /// `K/N` or `count:K/N`, 1 <= K <= N <= 65535.
    fn from_str(s: &str) -> Result<Partition, String> {
        let spec = s.strip_prefix("count:").unwrap_or(s);
        let bad = || {
            format!(
                "partition {s:?}: expected K/N (or count:K/N) with 1 <= K <= N <= 65535, e.g. 2/3"
            )
        };
        let (k, n) = spec.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n || n > 65_535 {
            return Err(bad());
        }
        Ok(Partition { index: k, count: n })
    }
}

#[cfg(test)]
mod tests {
    use super::Partition;

    #[test]
    fn parses_nextest_spellings_and_rejects_the_rest() {
        assert_eq!("2/3".parse(), Ok(Partition { index: 2, count: 3 }));
        assert_eq!("count:1/2".parse(), Ok(Partition { index: 1, count: 2 }));
        for bad in [
            "0/2", "3/2", "1/0", "1", "a/b", "hash:1/2", "-1/2", "1/70000",
        ] {
            let e = bad.parse::<Partition>().unwrap_err();
            assert!(e.contains("1 <= K <= N"), "{bad}: {e}");
        }
    }

    #[test]
    fn seed_slices_cover_the_range_exactly_once() {
        for (from, to, n) in [
            (0u64, 1000u64, 3u32),
            (5, 6, 4),
            (0, u64::MAX, 7),
            (10, 10, 2),
        ] {
            let mut next = from;
            for k in 1..=n {
                let (a, b) = Partition { index: k, count: n }.seeds(from, to);
                assert_eq!(a, next);
                assert!(b >= a && b - a <= (to - from) / u64::from(n) + 1);
                next = b;
            }
            assert_eq!(next, to);
        }
    }

    #[test]
    fn scenarios_are_dealt_round_robin() {
        let p = Partition { index: 2, count: 3 };
        let taken: Vec<usize> = (0..8).filter(|&i| p.takes(i)).collect();
        assert_eq!(taken, [1, 4, 7]);
        assert!((0..5).all(|i| Partition::WHOLE.takes(i)));
    }
}
