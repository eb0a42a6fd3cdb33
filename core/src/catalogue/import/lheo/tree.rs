//! Streams an LHEO file and hands over each `<formation>` as a small tree, so that a huge regional export
//! never has to be held as one DOM, and so that an XML error only costs the formation it is in: the reader
//! reports it, jumps to the next `<formation` start tag and goes on.
//!
//! Elements are matched by local name: LHEO 2.2 (`http://www.lheo.org/2.2`) and 2.3
//! (`http://lheo.gouv.fr/2.3`) share their element names, and a prefixed file (`<lheo:formation>`) reads the
//! same as one with a default namespace. The namespace itself is handed over with [`Event::Root`] so the
//! importer can flag an unexpected one.

use crate::error::Result;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::Reader;

/// One element of a formation: its local name, attributes, own text and children.
#[derive(Debug, Default, Clone)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    /// Line of the start tag in the file (1-based).
    pub line: u64,
}

impl Node {
    /// An attribute's trimmed value, None when absent or blank.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first descendant reached by following `path` (first match at each step).
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, name| node.child(name))
    }

    /// The trimmed text, None when blank or "-": LHEO producers write "-" in mandatory fields they have
    /// nothing for.
    pub fn value(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty() && *t != "-")
    }

    pub fn value_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).and_then(Node::value)
    }
}

/// What the reader found, in file order.
#[derive(Debug)]
pub enum Event {
    /// The root element, with the namespace it is in.
    Root {
        name: String,
        namespace: Option<String>,
        line: u64,
    },
    /// A complete formation, with the oddities met inside it that were repaired rather than fatal.
    Formation {
        node: Node,
        warnings: Vec<(u64, String)>,
    },
    /// A part of the file that could not be read. `in_formation`: the error cut a formation, which is lost.
    Broken {
        line: u64,
        reason: String,
        in_formation: bool,
    },
}

/// Maps byte offsets to 1-based line numbers. A piece of a streamed file is the file's head followed by
/// one formation: offsets past `split` are shifted by the lines left out between the two.
pub struct Lines {
    newlines: Vec<usize>,
    split: usize,
    shift: u64,
}

impl Lines {
    pub fn new(bytes: &[u8]) -> Self {
        Lines::shifted(bytes, usize::MAX, 0)
    }

    fn shifted(bytes: &[u8], split: usize, shift: u64) -> Self {
        Lines {
            newlines: bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
            split,
            shift,
        }
    }

    pub fn line(&self, offset: usize) -> u64 {
        let line = self.newlines.partition_point(|&nl| nl < offset) as u64 + 1;
        if offset >= self.split {
            line + self.shift
        } else {
            line
        }
    }
}

/// Parses one piece (the file's head and what follows it), resuming at the next formation after an error.
fn parse_piece(
    bytes: &[u8],
    lines: &Lines,
    seen_root: &mut bool,
    f: &mut impl FnMut(Event) -> Result<()>,
) -> Result<()> {
    let mut start = 0;
    while let Some(error_at) = parse_from(bytes, start, lines, seen_root, f)? {
        match next_formation(bytes, error_at + 1) {
            Some(next) => start = next,
            None => break,
        }
    }
    Ok(())
}

/// Bytes read from the file at a time while looking for the next formation.
const BLOCK: usize = 64 * 1024;

/// Reads an LHEO file from `input` one formation at a time and calls `f` for each event, as `parse` does:
/// memory holds the file's head (what comes before its first `<formation`) and one formation, whatever the
/// size of a regional export. Each piece is decoded to UTF-8 as the head's XML declaration says.
pub fn parse_stream(
    mut input: impl std::io::Read,
    mut f: impl FnMut(Event) -> Result<()>,
) -> Result<()> {
    use super::fields::{declared_latin, decode};
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut fill = |buf: &mut Vec<u8>, eof: &mut bool| -> Result<()> {
        let old = buf.len();
        buf.resize(old + BLOCK, 0);
        let n = loop {
            match input.read(buf.get_mut(old..).unwrap_or_default()) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(crate::error::Error::io("fichier LHEO", e)),
            }
        };
        buf.truncate(old + n);
        *eof = n == 0;
        Ok(())
    };
    // The head: up to the first formation, or the whole file when it has none.
    let first = loop {
        if let Some(at) = next_formation(&buf, 0) {
            break Some(at);
        }
        if eof {
            break None;
        }
        fill(&mut buf, &mut eof)?;
    };
    let head_len = first.unwrap_or(buf.len());
    let latin = declared_latin(&buf);
    let head = decode(buf.get(..head_len).unwrap_or_default().to_vec(), latin);
    let head_newlines = head.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut newlines_before = buf
        .get(..head_len)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    buf.drain(..head_len);
    let mut seen_root = false;
    if first.is_none() {
        let lines = Lines::new(&head);
        return parse_piece(&head, &lines, &mut seen_root, &mut f);
    }
    loop {
        // The piece runs to the next formation's start tag, or to the end of the file.
        let mut scanned = 1;
        let end = loop {
            if let Some(at) = next_formation(&buf, scanned.max(1)) {
                break at;
            }
            if eof {
                break buf.len();
            }
            // A tag cut by the block boundary is found on the next pass.
            scanned = buf.len().saturating_sub(64).max(1);
            fill(&mut buf, &mut eof)?;
        };
        let raw: Vec<u8> = buf.drain(..end).collect();
        let raw_newlines = raw.iter().filter(|&&b| b == b'\n').count() as u64;
        let mut piece = head.clone();
        piece.extend_from_slice(&decode(raw, latin));
        let lines = Lines::shifted(&piece, head.len(), newlines_before - head_newlines);
        parse_piece(&piece, &lines, &mut seen_root, &mut f)?;
        newlines_before += raw_newlines;
        if buf.is_empty() && eof {
            return Ok(());
        }
    }
}

/// Parses from `start` until the end (Ok(None)) or the first error, whose absolute offset is returned
/// after the error was handed to `f`.
fn parse_from(
    bytes: &[u8],
    start: usize,
    lines: &Lines,
    seen_root: &mut bool,
    f: &mut impl FnMut(Event) -> Result<()>,
) -> Result<Option<usize>> {
    let mut reader = Reader::from_reader(bytes.get(start..).unwrap_or_default());
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    // After a jump to the next formation, the end tags of the enclosing elements come unmatched.
    config.allow_unmatched_ends = true;
    // A bare "&" in a text ("Hygiène & sécurité") is common in exports and unambiguous.
    config.allow_dangling_amp = true;

    // Open elements of the formation being read; empty outside formations.
    let mut open: Vec<Node> = Vec::new();
    let mut warnings: Vec<(u64, String)> = Vec::new();
    loop {
        let before = start + reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = start + reader.error_position() as usize;
                f(broken(lines.line(at), describe(&e), &open))?;
                return Ok(Some(at));
            }
        };
        match event {
            XmlEvent::Start(e) => {
                let name = local_name(&e);
                let attrs = match attributes(&e) {
                    Ok(attrs) => attrs,
                    Err(reason) => {
                        f(broken(lines.line(before), reason, &open))?;
                        return Ok(Some(before));
                    }
                };
                let line = lines.line(before);
                if !open.is_empty() || name == "formation" {
                    open.push(Node {
                        name,
                        attrs,
                        line,
                        ..Node::default()
                    });
                } else if !*seen_root {
                    *seen_root = true;
                    let namespace = namespace_of(&e, &attrs);
                    f(Event::Root {
                        name,
                        namespace,
                        line,
                    })?;
                }
            }
            XmlEvent::End(_) => {
                // quick-xml has checked that the name matches the start tag.
                if let Some(node) = open.pop() {
                    match open.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => f(Event::Formation {
                            node,
                            warnings: std::mem::take(&mut warnings),
                        })?,
                    }
                }
            }
            XmlEvent::Text(t) => {
                if let Some(node) = open.last_mut() {
                    push_bytes(&mut node.text, &t, lines.line(before), &mut warnings);
                }
            }
            XmlEvent::CData(t) => {
                if let Some(node) = open.last_mut() {
                    push_bytes(&mut node.text, &t, lines.line(before), &mut warnings);
                }
            }
            XmlEvent::GeneralRef(r) => {
                if let Some(node) = open.last_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let resolved = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten().map(String::from)
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map(String::from)
                            .or_else(|| super::super::text::html_entity(&name))
                    };
                    match resolved {
                        Some(s) => node.text.push_str(&s),
                        None => {
                            warnings.push((
                                lines.line(before),
                                format!("entité XML inconnue « &{name}; » laissée telle quelle"),
                            ));
                            node.text.push_str(&format!("&{name};"));
                        }
                    }
                }
            }
            XmlEvent::Eof => {
                if let Some(first) = open.first() {
                    let reason = format!(
                        "fichier tronqué : la formation{} commencée ligne {} n'est pas fermée",
                        numero_of(first),
                        first.line
                    );
                    f(Event::Broken {
                        line: lines.line(bytes.len()),
                        reason,
                        in_formation: true,
                    })?;
                }
                return Ok(None);
            }
            _ => {}
        }
    }
}

fn numero_of(formation: &Node) -> String {
    formation
        .attr("numero")
        .map(|n| format!(" {n}"))
        .unwrap_or_default()
}

fn broken(line: u64, reason: String, open: &[Node]) -> Event {
    match open.first() {
        Some(formation) => Event::Broken {
            line,
            reason: format!(
                "XML invalide dans la formation{} (commencée ligne {}) : {reason} ; formation ignorée",
                numero_of(formation),
                formation.line
            ),
            in_formation: true,
        },
        None => Event::Broken {
            line,
            reason: format!("XML invalide : {reason} ; lecture reprise à la formation suivante"),
            in_formation: false,
        },
    }
}

fn local_name(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attributes(e: &BytesStart) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            format!(
                "attribut mal formé dans <{}> ({err})",
                String::from_utf8_lossy(e.name().as_ref())
            )
        })?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        // An unknown entity in a value is kept raw rather than losing the element.
        let value = attr
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned());
        out.push((key, value));
    }
    Ok(out)
}

/// The namespace URI the root element is in: `xmlns` for an unprefixed name, `xmlns:p` for `p:name`.
fn namespace_of(e: &BytesStart, attrs: &[(String, String)]) -> Option<String> {
    let decl = match e.name().prefix() {
        Some(p) => format!("xmlns:{}", String::from_utf8_lossy(p.as_ref())),
        None => "xmlns".to_string(),
    };
    attrs
        .iter()
        .find(|(k, _)| *k == decl)
        .map(|(_, v)| v.trim().to_string())
}

fn push_bytes(text: &mut String, bytes: &[u8], line: u64, warnings: &mut Vec<(u64, String)>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => text.push_str(s),
        Err(_) => {
            text.push_str(&String::from_utf8_lossy(bytes));
            warnings.push((
                line,
                "octets invalides en UTF-8 (mauvais encodage) remplacés par « \u{fffd} »".into(),
            ));
        }
    }
}

/// French wording for the parser's errors.
fn describe(e: &XmlError) -> String {
    match e {
        XmlError::Syntax(s) => match s {
            SyntaxError::UnclosedTag => "balise non fermée (« > » manquant)".into(),
            SyntaxError::UnclosedComment => "commentaire non fermé".into(),
            SyntaxError::UnclosedCData => "section CDATA non fermée".into(),
            SyntaxError::UnclosedDoctype => "DOCTYPE non fermé".into(),
            SyntaxError::UnclosedPIOrXmlDecl => "instruction de traitement non fermée".into(),
            SyntaxError::InvalidBangMarkup => "balise « <! » invalide".into(),
        },
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("balise fermante </{found}> au lieu de </{expected}>")
        }
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("balise fermante </{name}> sans balise ouvrante")
        }
        XmlError::InvalidAttr(err) => format!("attribut mal formé ({err})"),
        XmlError::Encoding(_) => "encodage invalide".into(),
        other => format!("erreur XML ({other})"),
    }
}

/// Offset of the `<` of the next `<formation` or `<prefix:formation` start tag at or after `from`.
fn next_formation(bytes: &[u8], from: usize) -> Option<usize> {
    const NAME: &[u8] = b"formation";
    let mut i = from.min(bytes.len());
    while let Some(rel) = bytes
        .get(i..)
        .and_then(|rest| rest.windows(NAME.len()).position(|w| w == NAME))
    {
        let at = i + rel;
        let end_ok = matches!(
            bytes.get(at + NAME.len()),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        );
        let before = |p: usize| p.checked_sub(1).and_then(|q| bytes.get(q)).copied();
        if end_ok && at > from {
            match before(at) {
                Some(b'<') => return Some(at - 1),
                Some(b':') => {
                    // Walk back over the prefix to its '<'.
                    let mut p = at - 1;
                    while before(p).is_some_and(is_name_byte) {
                        p -= 1;
                    }
                    // Never before `from`, or a formation whose tag is broken would be read forever.
                    if p > from && p < at - 1 && before(p) == Some(b'<') {
                        return Some(p - 1);
                    }
                }
                _ => {}
            }
        }
        i = at + 1;
    }
    None
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(xml: &str) -> Vec<Event> {
        let mut out = Vec::new();
        parse_stream(xml.as_bytes(), |e| {
            out.push(e);
            Ok(())
        })
        .unwrap();
        out
    }

    fn formations(events: &[Event]) -> Vec<&Node> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Formation { node, .. } => Some(node),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn lines_are_counted_from_offsets() {
        let lines = Lines::new(b"a\nbc\n\nd");
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(1), 1); // the newline itself ends line 1
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(5), 3);
        assert_eq!(lines.line(6), 4);
    }

    #[test]
    fn reads_tree_text_entities_and_namespace() {
        let xml = "<?xml version=\"1.0\"?>\n<lheo xmlns=\"http://lheo.gouv.fr/2.3\"><offres>\n\
                   <formation numero=\"F1\" href=\"a?b=1&amp;c=2\">\n<intitule-formation>Hygi&#232;ne &amp; \
                   s\u{e9}curit\u{e9} & co</intitule-formation><vide/></formation></offres></lheo>";
        let events = collect(xml);
        match &events[0] {
            Event::Root {
                name, namespace, ..
            } => {
                assert_eq!(name, "lheo");
                assert_eq!(namespace.as_deref(), Some("http://lheo.gouv.fr/2.3"));
            }
            other => panic!("{other:?}"),
        }
        let f = formations(&events);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].attr("href"), Some("a?b=1&c=2"));
        assert_eq!(f[0].line, 3);
        let title = f[0].child("intitule-formation").unwrap();
        assert_eq!(title.text, "Hygiène & sécurité & co");
        assert_eq!(title.line, 4);
        assert!(f[0].child("vide").unwrap().value().is_none());
    }

    #[test]
    fn prefixed_elements_read_like_unprefixed_ones() {
        let xml = "<l:lheo xmlns:l=\"http://www.lheo.org/2.2\"><l:offres><l:formation numero=\"1\">\
                   <l:intitule-formation>T</l:intitule-formation></l:formation></l:offres></l:lheo>";
        let events = collect(xml);
        assert!(
            matches!(&events[0], Event::Root { namespace: Some(ns), .. } if ns == "http://www.lheo.org/2.2")
        );
        let f = formations(&events);
        assert_eq!(f[0].value_at(&["intitule-formation"]), Some("T"));
    }

    #[test]
    fn an_error_costs_one_formation_and_reading_resumes() {
        let xml = "<lheo><offres>\n\
                   <formation numero=\"1\"><intitule-formation>A</intitule-formation></formation>\n\
                   <formation numero=\"2\"><intitule-formation>B</intitule-formaton></formation>\n\
                   <formation numero=\"3\"><intitule-formation>C</intitule-formation></formation>\n\
                   </offres></lheo>";
        let events = collect(xml);
        let f = formations(&events);
        let numeros: Vec<_> = f.iter().map(|n| n.attr("numero").unwrap()).collect();
        assert_eq!(numeros, ["1", "3"]);
        let broken: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Broken {
                    line,
                    reason,
                    in_formation,
                } => Some((*line, reason.clone(), *in_formation)),
                _ => None,
            })
            .collect();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].0, 3);
        assert!(broken[0].1.contains("formation 2"), "{}", broken[0].1);
        assert!(
            broken[0].1.contains("</intitule-formaton>"),
            "{}",
            broken[0].1
        );
        assert!(broken[0].2);
    }

    #[test]
    fn a_malformed_attribute_is_reported_on_its_line() {
        let xml = "<lheo><offres>\n<formation numero=\"1\">\n<action numero>x</action></formation>\n\
                   <formation numero=\"2\"><intitule-formation>B</intitule-formation></formation></offres></lheo>";
        let events = collect(xml);
        let f = formations(&events);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].attr("numero"), Some("2"));
        assert!(events.iter().any(|e| matches!(
            e,
            Event::Broken {
                line: 3,
                in_formation: true,
                ..
            }
        )));
    }

    #[test]
    fn truncation_keeps_what_came_before() {
        let xml = "<lheo><offres>\n<formation numero=\"1\"><intitule-formation>A</intitule-formation></formation>\n\
                   <formation numero=\"2\">\n<intitule-formation>B</intitule-formation>\n<act";
        let events = collect(xml);
        assert_eq!(formations(&events).len(), 1);
        let last = events.last().unwrap();
        assert!(
            matches!(
                last,
                Event::Broken {
                    line: 5,
                    in_formation: true,
                    ..
                }
            ),
            "{last:?}"
        );
    }

    #[test]
    fn truncation_between_tags_is_reported_too() {
        let xml = "<lheo><offres>\n<formation numero=\"9\">\n<intitule-formation>B</intitule-formation>\n";
        let events = collect(xml);
        assert!(formations(&events).is_empty());
        match events.last().unwrap() {
            Event::Broken { reason, .. } => {
                assert!(
                    reason.contains("tronqué") && reason.contains("formation 9"),
                    "{reason}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn next_formation_skips_longer_names() {
        let b =
            b"<intitule-formation>x</intitule-formation><lheo:formation numero=\"1\"><formation>";
        let first = next_formation(b, 0).unwrap();
        assert!(b[first..].starts_with(b"<lheo:formation"));
        let second = next_formation(b, first + 1).unwrap();
        assert!(b[second..].starts_with(b"<formation>"));
        assert_eq!(next_formation(b, second + 1), None);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let mut xml = b"<lheo><formation numero=\"1\"><intitule-formation>Caf".to_vec();
        xml.push(0xe9);
        xml.extend_from_slice(b"</intitule-formation></formation></lheo>");
        let mut got = Vec::new();
        parse_stream(&xml[..], |e| {
            got.push(e);
            Ok(())
        })
        .unwrap();
        match &got[1] {
            Event::Formation { node, warnings } => {
                assert_eq!(node.value_at(&["intitule-formation"]), Some("Caf\u{fffd}"));
                assert_eq!(warnings.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    /// Hands out its bytes a few at a time, as a slow disk or a decompressor may.
    struct Trickle<'a>(&'a [u8], usize);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_streamed_file_gives_the_same_formations_lines_and_errors_however_it_is_cut() {
        let mut xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<lheo xmlns=\"http://www.lheo.org/2.2\">\n<offres>\n\
            <formation numero=\"1\">\n<intitule-formation>Un</intitule-formation>\n</formation>\n\
            <formation numero=\"2\">\n<intitule-formation>Caf".to_vec();
        xml.push(0xe9);
        xml.extend_from_slice(
            b"</intitule-formation>\n</formation>\n\
              <formation numero=\"3\">\n<intitule-formation>Trois</intitule-formation>\n</bad>\n</formation>\n\
              <formation numero=\"4\">\n<intitule-formation>Quatre</intitule-formation>\n</formation>\n</offres>\n</lheo>\n",
        );
        for step in [1, 7, 4096, usize::MAX] {
            let mut got = Vec::new();
            parse_stream(Trickle(&xml, step), |e| {
                got.push(e);
                Ok(())
            })
            .unwrap();
            let summary: Vec<String> = got
                .iter()
                .map(|e| match e {
                    Event::Root {
                        namespace, line, ..
                    } => {
                        format!("root {} {line}", namespace.as_deref().unwrap_or(""))
                    }
                    Event::Formation { node, .. } => format!(
                        "{} {} {}",
                        node.attr("numero").unwrap_or(""),
                        node.line,
                        node.value_at(&["intitule-formation"]).unwrap_or("")
                    ),
                    Event::Broken {
                        line, in_formation, ..
                    } => format!("broken {line} {in_formation}"),
                })
                .collect();
            assert_eq!(
                summary,
                [
                    "root http://www.lheo.org/2.2 2",
                    "1 4 Un",
                    "2 7 Café",
                    "broken 12 true",
                    "4 14 Quatre"
                ],
                "step {step}"
            );
        }
    }
}
