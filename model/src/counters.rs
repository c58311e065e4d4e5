//! Per-rule counters of an exploration and the monitors' sink that bumps them: one
//! implementation for both models (the transport model over [`Rid`](xpcheck_properties::rules::Rid),
//! the session model over [`ClientRid`](xpcheck_properties::client::ClientRid)), so a new rule
//! set or a new monitor needs no counting code of its own.
//!
//! Counters are kept per checker thread (each thread bumps its own shard without contention)
//! and summed at the end. They are not part of any state.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use xpcheck_properties::judge::{Severity, Sink, Violation};
use xpcheck_properties::rule_set::{RuleId, RuleMask};

/// Checks, warnings and violating transitions per rule of the set `R`.
#[derive(Debug)]
pub struct Counters<R: RuleId> {
    id: u64,
    shards: Mutex<Vec<Arc<Shard>>>,
    /// Counting is on during exploration and off while paths are rebuilt.
    pub counting: AtomicBool,
    rules: PhantomData<R>,
}

/// One thread's counts.
#[derive(Debug)]
pub struct Shard {
    checks: Vec<AtomicU64>,
    warnings: Vec<AtomicU64>,
    violations: Vec<AtomicU64>,
}

thread_local! {
    static SHARD: RefCell<Option<(u64, Arc<Shard>)>> = const { RefCell::new(None) };
}

static NEXT_COUNTERS_ID: AtomicU64 = AtomicU64::new(1);

impl<R: RuleId> Default for Counters<R> {
    fn default() -> Counters<R> {
        Counters::new()
    }
}

impl<R: RuleId> Counters<R> {
    /// Fresh counters, counting.
    pub fn new() -> Counters<R> {
        Counters {
            id: NEXT_COUNTERS_ID.fetch_add(1, Ordering::Relaxed),
            shards: Mutex::new(Vec::new()),
            counting: AtomicBool::new(true),
            rules: PhantomData,
        }
    }

    /// Stops counting (after exploration, before paths are rebuilt).
    pub fn stop(&self) {
        self.counting.store(false, Ordering::Relaxed);
    }

    /// This thread's shard while counting is on, `None` otherwise.
    pub fn shard(&self) -> Option<Arc<Shard>> {
        if !self.counting.load(Ordering::Relaxed) {
            return None;
        }
        Some(SHARD.with(|cell| {
            let mut cell = cell.borrow_mut();
            match &*cell {
                Some((id, shard)) if *id == self.id => shard.clone(),
                _ => {
                    let n = R::ALL.len();
                    let shard = Arc::new(Shard {
                        checks: (0..n).map(|_| AtomicU64::new(0)).collect(),
                        warnings: (0..n).map(|_| AtomicU64::new(0)).collect(),
                        violations: (0..n).map(|_| AtomicU64::new(0)).collect(),
                    });
                    self.shards
                        .lock()
                        .expect("counter registry")
                        .push(shard.clone());
                    *cell = Some((self.id, shard.clone()));
                    shard
                }
            }
        }))
    }

    /// Checks evaluated per rule (by [`RuleId::index`]), summed over threads.
    pub fn checks(&self) -> Vec<u64> {
        self.sum(|s| &s.checks)
    }

    /// Warnings per rule, summed over threads.
    pub fn warnings(&self) -> Vec<u64> {
        self.sum(|s| &s.warnings)
    }

    /// Violating transitions per rule, summed over threads.
    pub fn violations(&self) -> Vec<u64> {
        self.sum(|s| &s.violations)
    }

    /// The rules with at least one violating transition, in set order.
    pub fn violated(&self) -> Vec<R> {
        let counts = self.violations();
        R::ALL
            .iter()
            .copied()
            .filter(|r| counts[r.index()] > 0)
            .collect()
    }

    fn sum(&self, f: impl Fn(&Shard) -> &Vec<AtomicU64>) -> Vec<u64> {
        let mut out = vec![0; R::ALL.len()];
        for shard in self.shards.lock().expect("counter registry").iter() {
            for (o, a) in out.iter_mut().zip(f(shard)) {
                *o += a.load(Ordering::Relaxed);
            }
        }
        out
    }
}

fn bump(a: &AtomicU64) {
    // Only the owning thread writes its shard: a plain load/store, no locked instruction.
    a.store(a.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// The monitors' sink during one transition: the rules it violated (an error), and the counts
/// in this thread's shard while counting.
pub struct CountingSink<'a, R> {
    /// Rules violated (errors) by this transition.
    pub violations: RuleMask,
    shard: Option<&'a Shard>,
    rules: PhantomData<R>,
}

impl<'a, R: RuleId> CountingSink<'a, R> {
    /// A sink bumping `shard` (from [`Counters::shard`]) when given.
    pub fn new(shard: Option<&'a Shard>) -> CountingSink<'a, R> {
        CountingSink {
            violations: RuleMask::EMPTY,
            shard,
            rules: PhantomData,
        }
    }
}

impl<R: RuleId> Sink<R> for CountingSink<'_, R> {
    fn checked(&mut self, rule: R) {
        if let Some(c) = self.shard {
            bump(&c.checks[rule.index()]);
        }
    }

    fn violated(&mut self, v: Violation<'_, R>) {
        let counts = match v.severity {
            Severity::Error => {
                self.violations.insert(v.rule);
                self.shard.map(|c| &c.violations)
            }
            Severity::Warning => self.shard.map(|c| &c.warnings),
        };
        if let Some(c) = counts {
            bump(&c[v.rule.index()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpcheck_properties::judge::Blame;
    use xpcheck_properties::rules::Rid;

    fn report(s: &mut CountingSink<'_, Rid>, rule: Rid, severity: Severity) {
        s.violated(Violation {
            rule,
            seq: 0,
            severity,
            graded: None,
            blame: Blame::Provider,
            message: format_args!("m"),
        });
    }

    #[test]
    fn counts_per_rule_and_only_while_counting() {
        let c: Counters<Rid> = Counters::new();
        let r = Rid::ALL[3];
        {
            let shard = c.shard();
            let mut s = CountingSink::new(shard.as_deref());
            s.checked(r);
            s.checked(r);
            report(&mut s, r, Severity::Warning);
            report(&mut s, r, Severity::Error);
            assert!(s.violations.contains(r));
        }
        c.stop();
        assert!(c.shard().is_none());
        let off = c.shard();
        let mut quiet = CountingSink::<Rid>::new(off.as_deref());
        quiet.checked(r);
        assert_eq!(c.checks()[r.index()], 2);
        assert_eq!(c.warnings()[r.index()], 1);
        assert_eq!(c.violated(), vec![r]);
    }
}
