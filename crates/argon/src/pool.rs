//! A pool of argon2 memory areas, each large enough for one hash at the configured cost.

use std::sync::Mutex;

use argon2::Block;

/// Reusable memory areas. Taking one never blocks: the semaphore in front of the hasher
/// guarantees there are never more takers than areas, and an empty pool allocates.
pub(crate) struct BlockPool {
    blocks_per_area: usize,
    areas: Mutex<Vec<Vec<Block>>>,
}

impl BlockPool {
    pub(crate) fn new(blocks_per_area: usize) -> Self {
        Self { blocks_per_area, areas: Mutex::new(Vec::new()) }
    }

    /// An area of at least `blocks` blocks: a pooled one when it fits, else a fresh one (only
    /// for a stored hash made at a higher cost than today's).
    pub(crate) fn take(&self, blocks: usize) -> Vec<Block> {
        if blocks <= self.blocks_per_area {
            if let Ok(mut areas) = self.areas.lock() {
                if let Some(area) = areas.pop() {
                    return area;
                }
            }
            return vec![Block::default(); self.blocks_per_area];
        }
        vec![Block::default(); blocks]
    }

    /// Returns an area for reuse; areas of another size are dropped.
    pub(crate) fn give_back(&self, area: Vec<Block>) {
        if area.len() == self.blocks_per_area {
            if let Ok(mut areas) = self.areas.lock() {
                areas.push(area);
            }
        }
    }
}
