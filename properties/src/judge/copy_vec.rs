//! A small inline vector of `Copy` records whose clone is a memcpy.
//!
//! Model states are cloned for every explored transition; `SmallVec`'s derived `Clone` goes
//! element by element through an iterator. Traces longer than the inline capacity (recorded
//! traces with many messages) spill to the heap as usual.

use smallvec::SmallVec;
use std::ops::{Deref, DerefMut};

/// Inline up to `N` records, heap beyond.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CopyVec<T: Copy, const N: usize>(pub SmallVec<[T; N]>);

impl<T: Copy, const N: usize> Default for CopyVec<T, N> {
    fn default() -> Self {
        CopyVec(SmallVec::new())
    }
}

impl<T: Copy, const N: usize> Clone for CopyVec<T, N> {
    fn clone(&self) -> Self {
        CopyVec(SmallVec::from_slice(&self.0))
    }
}

impl<T: Copy, const N: usize> Deref for CopyVec<T, N> {
    type Target = SmallVec<[T; N]>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T: Copy, const N: usize> DerefMut for CopyVec<T, N> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<'a, T: Copy, const N: usize> IntoIterator for &'a CopyVec<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T: Copy, const N: usize> IntoIterator for &'a mut CopyVec<T, N> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}
