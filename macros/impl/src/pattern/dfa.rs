//! Steps 3 and 4: the pattern's HIR to a dense DFA (`regex-automata`), then its states
//! reachable from the unanchored start renumbered into our format, every match state
//! folded into `MATCH`.

use std::collections::{HashMap, VecDeque};

use regex_automata::{
    Anchored,
    dfa::{Automaton, StartKind, dense},
    nfa::thompson::{self, WhichCaptures},
    util::{primitives::StateID, start},
};
use regex_syntax::hir::Hir;

use super::{DEAD, MATCH, too_large};

/// The dense DFA built by `regex-automata`.
type DenseDfa = dense::DFA<Vec<u32>>;

/// Limit on the Thompson NFA built from the pattern.
const NFA_SIZE_LIMIT: usize = 2 << 20;
/// Limit on the memory used by determinization.
const DETERMINIZE_SIZE_LIMIT: usize = 2 << 20;
/// Limit on the dense DFA itself (`u32` transitions, rows padded to a power of two).
///
/// Every pattern of the official spec fits well inside: the big ones (counted Unicode
/// classes such as the organization-name `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`) are
/// character runs (`run_shape`) and never reach the DFA builder. The limits were 16 MiB;
/// fuzzing found patterns near that size taking seconds of expansion before being refused,
/// so a pattern that large is now refused quickly (a counted Unicode class in the middle
/// of a pattern, `^x\p{L}{1,64}y$`, is the kind that hits it).
const DFA_SIZE_LIMIT: usize = 2 << 20;

pub(super) fn build_dfa(hir: &Hir) -> Result<DenseDfa, String> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|err| match err.size_limit() {
            Some(limit) => too_large(format_args!("its NFA exceeds {} MiB", limit >> 20)),
            None => format!("cannot compile pattern: {err}"),
        })?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                // We minimize ourselves, for our own (coarser) notion of equivalence.
                .minimize(false)
                .accelerate(false)
                .specialize_start_states(false)
                // `\b` was rewritten to ASCII; a Unicode one must fail, not quit.
                .unicode_word_boundary(false)
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(DETERMINIZE_SIZE_LIMIT)),
        )
        .build_from_nfa(&nfa)
        .map_err(|err| {
            if err.is_size_limit_exceeded() {
                too_large(format_args!(
                    "its DFA exceeds {} MiB",
                    DFA_SIZE_LIMIT.max(DETERMINIZE_SIZE_LIMIT) >> 20
                ))
            } else {
                format!("cannot compile pattern: {err}")
            }
        })
}

/// Tables in our format, before minimization (`u32` ids, no state limit yet).
pub(super) struct RawTables {
    /// Byte → class.
    pub(super) classes: [u8; 256],
    pub(super) stride: usize,
    pub(super) transitions: Vec<u32>,
    pub(super) start: u32,
    pub(super) eoi_match: Vec<bool>,
}

/// Breadth-first renumbering of DFA states into [`RawTables`].
struct Walker<'a> {
    dfa: &'a DenseDfa,
    stride: usize,
    tables: RawTables,
    ids: HashMap<StateID, u32>,
    /// States numbered but whose rows are not filled yet.
    queue: VecDeque<(StateID, u32)>,
}

impl Walker<'_> {
    /// Our id for a DFA state: every match state is `MATCH` (a match exists, whatever
    /// follows), the dead state is `DEAD`, others are numbered on first sight.
    fn id_of(&mut self, sid: StateID) -> Result<u32, String> {
        if self.dfa.is_quit_state(sid) {
            return Err("internal error: the DFA has a quit state".to_owned());
        }
        if self.dfa.is_match_state(sid) {
            return Ok(MATCH);
        }
        if self.dfa.is_dead_state(sid) {
            return Ok(DEAD);
        }
        if let Some(&id) = self.ids.get(&sid) {
            return Ok(id);
        }
        let id =
            u32::try_from(self.tables.eoi_match.len()).map_err(|_| too_large("too many states"))?;
        self.tables
            .transitions
            .extend(std::iter::repeat_n(DEAD, self.stride));
        self.tables.eoi_match.push(false);
        self.ids.insert(sid, id);
        self.queue.push_back((sid, id));
        Ok(id)
    }
}

impl RawTables {
    /// Renumbers the states reachable from the unanchored start state into our format.
    pub(super) fn walk(dfa: &DenseDfa) -> Result<RawTables, String> {
        // One representative byte per class, classes numbered by first byte.
        let byte_classes = dfa.byte_classes();
        let mut class_of_dfa_class: HashMap<u8, u8> = HashMap::new();
        let mut representatives: Vec<u8> = Vec::new();
        let mut classes = [0u8; 256];
        for byte in 0..=u8::MAX {
            let dfa_class = byte_classes.get(byte);
            let class = *class_of_dfa_class.entry(dfa_class).or_insert_with(|| {
                representatives.push(byte);
                // Classes are numbered by first byte, so this id is at most `byte`.
                u8::try_from(representatives.len() - 1).unwrap_or(byte)
            });
            classes[usize::from(byte)] = class;
        }
        let stride = representatives.len();

        let mut walker = Walker {
            dfa,
            stride,
            tables: RawTables {
                classes,
                stride,
                transitions: [vec![DEAD; stride], vec![MATCH; stride]].concat(),
                start: DEAD,
                eoi_match: vec![false, true],
            },
            ids: HashMap::new(),
            queue: VecDeque::new(),
        };
        let start_config = start::Config::new().anchored(Anchored::No);
        let start = dfa
            .start_state(&start_config)
            .map_err(|err| format!("internal error: no start state: {err}"))?;
        walker.tables.start = walker.id_of(start)?;
        while let Some((sid, id)) = walker.queue.pop_front() {
            let row = id as usize * stride;
            for (class, &byte) in representatives.iter().enumerate() {
                let next = walker.id_of(dfa.next_state(sid, byte))?;
                walker.tables.transitions[row + class] = next;
            }
            walker.tables.eoi_match[id as usize] = dfa.is_match_state(dfa.next_eoi_state(sid));
        }
        let tables = walker.tables;
        Ok(tables)
    }
}
