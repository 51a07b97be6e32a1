//! Step 5: the raw tables minimized for our semantics (Hopcroft), byte classes that behave
//! the same merged, states numbered (`DEAD`, `MATCH`, then breadth-first from the start).

use std::collections::{HashMap, VecDeque};

use super::dfa::RawTables;
use super::{DEAD, MATCH, MAX_STATES, Tables, too_large};

impl RawTables {
    /// Merges equivalent states (Hopcroft's algorithm). Two states are equivalent when
    /// they accept the same suffixes, acceptance being `eoi_match` at the end of input;
    /// `DEAD` and `MATCH` are ordinary states for this purpose (absorbing, rejecting
    /// resp. accepting everything), so the early exits of `is_match` stay correct. Returns
    /// the block of every state.
    pub(super) fn minimize(self) -> Minimized {
        let n = self.eoi_match.len();
        let k = self.stride;
        // Inverse transitions: for (class c, target t), the sources, at
        // `inverse[offsets[c * n + t]..offsets[c * n + t + 1]]`.
        let mut offsets = vec![0usize; k * n + 1];
        for s in 0..n {
            for c in 0..k {
                let t = self.transitions[s * k + c] as usize;
                offsets[c * n + t + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut inverse = vec![0usize; n * k];
        let mut fill = offsets.clone();
        for s in 0..n {
            for c in 0..k {
                let key = c * n + self.transitions[s * k + c] as usize;
                inverse[fill[key]] = s;
                fill[key] += 1;
            }
        }

        // Refinable partition: each block is a range of `elements`; `position` is the
        // inverse of `elements`. Marked elements of a block sit at its front.
        let mut elements: Vec<usize> = (0..n).filter(|&s| self.eoi_match[s]).collect();
        let accepting = elements.len();
        elements.extend((0..n).filter(|&s| !self.eoi_match[s]));
        let mut position = vec![0usize; n];
        for (i, &s) in elements.iter().enumerate() {
            position[s] = i;
        }
        // MATCH accepts and DEAD does not, so both initial blocks are non-empty.
        let mut blocks: Vec<(usize, usize)> = vec![(0, accepting), (accepting, n)];
        let mut block_of: Vec<usize> = (0..n).map(|s| usize::from(!self.eoi_match[s])).collect();
        let mut marked = vec![0usize; 2];
        let mut in_work = vec![false; 2];
        // Splitting by a block or by its complement is the same: start with the smaller.
        let first = usize::from(accepting > n - accepting);
        let mut work = vec![first];
        in_work[first] = true;

        let mut splitter = Vec::new();
        let mut touched = Vec::new();
        while let Some(a) = work.pop() {
            in_work[a] = false;
            splitter.clear();
            splitter.extend_from_slice(&elements[blocks[a].0..blocks[a].1]);
            for c in 0..k {
                for &t in &splitter {
                    let key = c * n + t;
                    // Each state has one transition per class: marked at most once here.
                    for &s in &inverse[offsets[key]..offsets[key + 1]] {
                        let b = block_of[s];
                        if marked[b] == 0 {
                            touched.push(b);
                        }
                        let (from, other) = (position[s], elements[blocks[b].0 + marked[b]]);
                        let to = blocks[b].0 + marked[b];
                        elements.swap(from, to);
                        position[other] = from;
                        position[s] = to;
                        marked[b] += 1;
                    }
                }
                for b in touched.drain(..) {
                    let (begin, end) = blocks[b];
                    let count = std::mem::take(&mut marked[b]);
                    if count == end - begin {
                        continue;
                    }
                    let new = blocks.len();
                    blocks.push((begin, begin + count));
                    blocks[b] = (begin + count, end);
                    marked.push(0);
                    in_work.push(false);
                    for &s in &elements[begin..begin + count] {
                        block_of[s] = new;
                    }
                    let add = if in_work[b] || count <= end - begin - count {
                        new
                    } else {
                        b
                    };
                    if !in_work[add] {
                        in_work[add] = true;
                        work.push(add);
                    }
                }
            }
        }
        Minimized {
            tables: self,
            block_of,
            blocks: blocks.len(),
        }
    }
}

/// Raw tables with the equivalence classes of their states.
pub(super) struct Minimized {
    tables: RawTables,
    block_of: Vec<usize>,
    blocks: usize,
}

impl Minimized {
    /// Numbers the blocks (`DEAD` = 0, `MATCH` = 1, then breadth-first from the start),
    /// merges byte classes whose columns are equal, and checks the `u16` limit.
    pub(super) fn finish(self) -> Result<Tables, String> {
        let Minimized {
            tables,
            block_of,
            blocks,
        } = self;
        let k = tables.stride;
        let block = |s: u32| block_of[s as usize];

        // A representative state per block, and the new id of each block.
        let mut representative = vec![usize::MAX; blocks];
        for (s, &b) in block_of.iter().enumerate().rev() {
            representative[b] = s;
        }
        let mut new_id: Vec<Option<usize>> = vec![None; blocks];
        let mut order: Vec<usize> = Vec::new();
        let mut queue = VecDeque::new();
        for b in [block(DEAD), block(MATCH), block(tables.start)] {
            if new_id[b].is_none() {
                new_id[b] = Some(order.len());
                order.push(b);
                queue.push_back(b);
            }
        }
        while let Some(b) = queue.pop_front() {
            let row = representative[b] * k;
            for &t in &tables.transitions[row..row + k] {
                let tb = block(t);
                if new_id[tb].is_none() {
                    new_id[tb] = Some(order.len());
                    order.push(tb);
                    queue.push_back(tb);
                }
            }
        }
        if order.len() > MAX_STATES {
            return Err(too_large(format_args!(
                "it needs {} states, at most {MAX_STATES} are supported",
                order.len()
            )));
        }
        let id = |s: u32| -> u16 {
            // Every reachable block got an id < MAX_STATES above.
            new_id[block(s)]
                .and_then(|id| u16::try_from(id).ok())
                .unwrap_or(0)
        };

        // Rows in the new numbering, still over the raw classes.
        let mut rows = Vec::with_capacity(order.len() * k);
        let mut eoi_match = Vec::with_capacity(order.len());
        for &b in &order {
            let s = representative[b];
            rows.extend(
                tables.transitions[s * k..(s + 1) * k]
                    .iter()
                    .map(|&t| id(t)),
            );
            eoi_match.push(tables.eoi_match[s]);
        }

        // Merge classes with identical columns; number them by first byte.
        let mut column_ids: HashMap<Vec<u16>, u8> = HashMap::new();
        let mut class_map = vec![0u8; k];
        let mut kept = Vec::new();
        for (c, slot) in class_map.iter_mut().enumerate() {
            let column: Vec<u16> = (0..order.len()).map(|s| rows[s * k + c]).collect();
            let next = column_ids.len();
            *slot = *column_ids.entry(column).or_insert_with(|| {
                kept.push(c);
                // There are at most 256 raw classes.
                u8::try_from(next).unwrap_or(u8::MAX)
            });
        }
        let stride = kept.len();
        let mut transitions = Vec::with_capacity(order.len() * stride);
        for s in 0..order.len() {
            transitions.extend(kept.iter().map(|&c| rows[s * k + c]));
        }
        let mut classes = [0u8; 256];
        for (byte, class) in classes.iter_mut().enumerate() {
            *class = class_map[usize::from(tables.classes[byte])];
        }
        // Raw classes were numbered by first byte, so merged ones still are.
        Ok(Tables {
            classes,
            stride,
            transitions,
            start: id(tables.start),
            eoi_match,
            min_chars: 0,
            max_chars: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::pattern::compile_dfa;
    use crate::pattern::tests::{EXTRA_PATTERNS, SPEC_PATTERNS, assert_minimal};

    #[test]
    fn tables_are_minimal() {
        for pattern in SPEC_PATTERNS.iter().chain(EXTRA_PATTERNS) {
            // The naive check is quadratic: skip huge tables (there are none any more).
            match compile_dfa(pattern) {
                Ok(compiled) if compiled.states() < 5000 => assert_minimal(&compiled),
                _ => {}
            }
        }
    }
}
