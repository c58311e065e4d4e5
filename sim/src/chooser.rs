//! Where the simulated spooler's choices come from: a seeded ChaCha8 stream (`sim`), or a byte
//! script that proptest generates and shrinks (`script`). An exhausted script answers "no" to
//! every chance and picks the first option, so a shrunk script still drives a whole session.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A source of scheduling decisions.
#[derive(Clone, Debug)]
pub enum Chooser {
    /// Seeded stream: same seed, same decisions.
    Seeded(Box<ChaCha8Rng>),
    /// Scripted decisions, consumed in order.
    Script {
        /// The script.
        bytes: Vec<u8>,
        /// Next byte to use.
        pos: usize,
    },
}

impl Chooser {
    /// A seeded chooser.
    pub fn seeded(seed: u64) -> Chooser {
        Chooser::Seeded(Box::new(ChaCha8Rng::seed_from_u64(seed)))
    }

    /// A scripted chooser.
    pub fn script(bytes: &[u8]) -> Chooser {
        Chooser::Script {
            bytes: bytes.to_vec(),
            pos: 0,
        }
    }

    fn byte(&mut self) -> Option<u8> {
        match self {
            Chooser::Seeded(r) => Some(r.next_u32() as u8),
            Chooser::Script { bytes, pos } => {
                let b = bytes.get(*pos).copied();
                *pos += 1;
                b
            }
        }
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        match self {
            Chooser::Seeded(r) => r.next_u32() % 1000 < per_mille,
            Chooser::Script { .. } => self
                .byte()
                .is_some_and(|b| u32::from(b) * 1000 / 256 < per_mille),
        }
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u32) -> u32 {
        match self {
            Chooser::Seeded(r) => r.next_u32() % n,
            Chooser::Script { .. } => {
                let lo = u32::from(self.byte().unwrap_or(0));
                let hi = u32::from(self.byte().unwrap_or(0));
                (lo | hi << 8) % n
            }
        }
    }
}
