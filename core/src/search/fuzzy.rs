//! Typo tolerance: finds dictionary terms within a few edits of a typed word, by a depth-first walk of the
//! sorted term list (a trie without building one), then weighs the edits a phone user is likely to make.

/// AZERTY rows: a key's neighbours are left, right, and the keys above and below.
const AZERTY: [&[u8]; 3] = [b"azertyuiop", b"qsdfghjklm", b"wxcvbn"];

fn key_position(c: u8) -> Option<(usize, usize)> {
    AZERTY
        .iter()
        .enumerate()
        .find_map(|(row, keys)| keys.iter().position(|&k| k == c).map(|col| (row, col)))
}

pub fn azerty_neighbours(a: u8, b: u8) -> bool {
    match (key_position(a), key_position(b)) {
        (Some((ra, ca)), Some((rb, cb))) => {
            let dr = ra.abs_diff(rb);
            let dc = ca.abs_diff(cb);
            (dr == 0 && dc == 1) || (dr == 1 && dc <= 1)
        }
        _ => false,
    }
}

/// Edits a user makes often cost half: a neighbouring key, two swapped letters, a doubled or missing double
/// letter. Optimal string alignment distance with those weights.
pub fn weighted_distance(typed: &[u8], term: &[u8]) -> f32 {
    let (n, m) = (typed.len(), term.len());
    let mut d = vec![vec![0f32; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as f32;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as f32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let (a, b) = (typed[i - 1], term[j - 1]);
            let sub = if a == b {
                0.0
            } else if azerty_neighbours(a, b) {
                0.5
            } else {
                1.0
            };
            // Deleting a letter typed twice, or inserting the second of a double letter, is a light slip.
            let del = if i >= 2 && typed[i - 2] == a {
                0.5
            } else {
                1.0
            };
            let ins = if j >= 2 && term[j - 2] == b { 0.5 } else { 1.0 };
            let mut best = (d[i - 1][j - 1] + sub)
                .min(d[i - 1][j] + del)
                .min(d[i][j - 1] + ins);
            if i >= 2 && j >= 2 && a == term[j - 2] && typed[i - 2] == b {
                best = best.min(d[i - 2][j - 2] + 0.5);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

/// How many edits a word of this length may carry: one from 4 letters, two from 8.
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Sorted, distinct terms, read by index.
pub trait Terms {
    fn count(&self) -> usize;
    fn term(&self, i: usize) -> &[u8];
}

impl Terms for [&[u8]] {
    fn count(&self) -> usize {
        self.len()
    }
    fn term(&self, i: usize) -> &[u8] {
        self[i]
    }
}

/// Indices of `terms` within `k` OSA edits of `word`.
pub fn search<T: Terms + ?Sized>(terms: &T, word: &[u8], k: usize, out: &mut Vec<usize>) {
    if k == 0 || terms.count() == 0 {
        return;
    }
    let width = word.len() + 1;
    // One DP row per depth, reused across the walk: rows[d] is the row after the first d bytes of a term.
    let mut rows: Vec<usize> = (0..width).collect();
    let mut walker = Walker {
        terms,
        word,
        k,
        width,
        out,
    };
    walker.walk(0, terms.count(), 0, &mut rows, 0);
}

struct Walker<'a, T: Terms + ?Sized> {
    terms: &'a T,
    word: &'a [u8],
    k: usize,
    width: usize,
    out: &'a mut Vec<usize>,
}

impl<T: Terms + ?Sized> Walker<'_, T> {
    /// Terms in [lo, hi) share their first `depth` bytes, whose DP row is the last in `rows`; `last` is
    /// the byte at depth - 1 (for transpositions).
    fn walk(&mut self, lo: usize, hi: usize, depth: usize, rows: &mut Vec<usize>, last: u8) {
        let (w, n) = (self.width, self.word.len());
        let row_at = depth * w;
        let mut start = lo;
        if self.terms.term(lo).len() == depth {
            if rows[row_at + n] <= self.k {
                self.out.push(lo);
            }
            start += 1;
        }
        while start < hi {
            let c = self.terms.term(start)[depth];
            let (mut a, mut b) = (start, hi);
            while a < b {
                let mid = (a + b) / 2;
                if self.terms.term(mid)[depth] <= c {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            let end = a;
            rows.resize(row_at + 2 * w, 0);
            let next_at = row_at + w;
            rows[next_at] = depth + 1;
            let mut min = rows[next_at];
            for i in 1..=n {
                let cost = usize::from(self.word[i - 1] != c);
                let mut v = (rows[row_at + i - 1] + cost)
                    .min(rows[row_at + i] + 1)
                    .min(rows[next_at + i - 1] + 1);
                if depth >= 1 && i >= 2 && self.word[i - 1] == last && self.word[i - 2] == c {
                    v = v.min(rows[row_at - w + i - 2] + 1);
                }
                rows[next_at + i] = v;
                min = min.min(v);
            }
            if min <= self.k {
                self.walk(start, end, depth + 1, rows, c);
            }
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(dict: &[&str], word: &str, k: usize) -> Vec<String> {
        let mut sorted: Vec<&str> = dict.to_vec();
        sorted.sort();
        let terms: Vec<&[u8]> = sorted.iter().map(|s| s.as_bytes()).collect();
        let mut out = Vec::new();
        search(terms.as_slice(), word.as_bytes(), k, &mut out);
        out.into_iter().map(|i| sorted[i].to_string()).collect()
    }

    #[test]
    fn finds_substitutions_insertions_deletions_and_swaps() {
        let dict = [
            "boulanger",
            "boucher",
            "infirmier",
            "auxiliaire",
            "plombier",
            "pompier",
        ];
        assert_eq!(find(&dict, "boulnager", 1), ["boulanger"]); // swapped letters
        assert_eq!(find(&dict, "auxilliaire", 1), ["auxiliaire"]); // doubled letter
        assert_eq!(find(&dict, "infirmer", 1), ["infirmier"]); // missing letter
        assert_eq!(find(&dict, "plonbier", 1), ["plombier"]); // substitution
        assert!(find(&dict, "pompiers", 1).contains(&"pompier".to_string()));
        assert!(find(&dict, "boulanger", 0).is_empty());
        assert!(find(&dict, "xyzxyz", 2).is_empty());
    }

    #[test]
    fn likely_slips_weigh_less_than_other_edits() {
        assert_eq!(weighted_distance(b"boulanger", b"boulanger"), 0.0);
        // 'z' is next to 'a' on AZERTY, 'p' is not.
        assert!(weighted_distance(b"zide", b"aide") < weighted_distance(b"pide", b"aide"));
        assert_eq!(weighted_distance(b"auxilliaire", b"auxiliaire"), 0.5);
        assert_eq!(weighted_distance(b"boulnager", b"boulanger"), 0.5);
        assert_eq!(weighted_distance(b"plonbier", b"plombier"), 1.0);
    }

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(max_edits(3), 0);
        assert_eq!(max_edits(4), 1);
        assert_eq!(max_edits(8), 2);
    }
}
