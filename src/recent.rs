//! The last keys seen, up to a capacity: what lets de-duplication (handled payments, delivered
//! callbacks, kept results) stay bounded in memory, the oldest forgotten first.

use std::collections::{HashSet, VecDeque};

#[derive(Debug)]
pub(crate) struct Recent {
    capacity: usize,
    keys: HashSet<String>,
    order: VecDeque<String>,
}

impl Recent {
    /// Remembers at most `capacity` keys (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            keys: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Remembers `key`; returns the keys forgotten to make room (oldest first).
    pub(crate) fn insert(&mut self, key: &str) -> Vec<String> {
        let mut forgotten = Vec::new();
        if self.keys.insert(key.to_owned()) {
            self.order.push_back(key.to_owned());
            while self.order.len() > self.capacity {
                if let Some(oldest) = self.order.pop_front() {
                    self.keys.remove(&oldest);
                    forgotten.push(oldest);
                }
            }
        }
        forgotten
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn the_oldest_key_is_forgotten_first_and_a_repeat_changes_nothing() {
        let mut recent = Recent::new(2);
        assert!(recent.insert("a").is_empty());
        assert!(recent.insert("b").is_empty());
        assert!(recent.insert("a").is_empty(), "already there");
        assert_eq!(recent.insert("c"), ["a"]);
        assert!(!recent.contains("a") && recent.contains("b") && recent.contains("c"));
    }
}
