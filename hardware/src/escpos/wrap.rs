//! Line breaking shared by the raster and text modes; each mode supplies its
//! own measure (dots of the font, or character columns).

/// Breaks `text` into lines no wider than `max` at spaces; a word wider than
/// `max` is broken between characters. `\n` forces a break. Never returns an
/// empty list (an empty text is one empty line).
pub(crate) fn wrap(text: &str, max: u32, measure: &dyn Fn(&str) -> u32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        // Leading spaces are indentation (receipt sub-lines): keep them on
        // the first line.
        let body = paragraph.trim_start_matches(' ');
        let indent = &paragraph[..paragraph.len() - body.len()];
        let mut line = if measure(indent) < max {
            indent.to_string()
        } else {
            String::new()
        };
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.trim_start().is_empty() {
                format!("{line}{word}")
            } else if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.trim_start().is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if measure(word) <= max {
                line = word.to_string();
            } else {
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if measure(&next) > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Lays out a left/right row: pairs of (left text, right text on this
/// line). The right text goes on the last line of the left text when the
/// left text must wrap; when the right text is too wide to share a line,
/// it gets its own line.
pub(crate) fn row(
    left: &str,
    right: &str,
    max: u32,
    gap: u32,
    measure: &dyn Fn(&str) -> u32,
) -> Vec<(String, String)> {
    let right_w = measure(right);
    if measure(left) + gap + right_w <= max {
        return vec![(left.to_string(), right.to_string())];
    }
    if right_w + gap <= max * 2 / 3 {
        let mut lines: Vec<(String, String)> = wrap(left, max - right_w - gap, measure)
            .into_iter()
            .map(|l| (l, String::new()))
            .collect();
        if let Some(last) = lines.last_mut() {
            last.1 = right.to_string();
        }
        return lines;
    }
    let mut lines: Vec<(String, String)> = wrap(left, max, measure)
        .into_iter()
        .map(|l| (l, String::new()))
        .collect();
    lines.push((String::new(), right.to_string()));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(s: &str) -> u32 {
        u32::try_from(s.chars().count()).unwrap()
    }

    #[test]
    fn wraps_at_spaces_and_breaks_long_words() {
        assert_eq!(
            wrap("Trà Shan tuyết cổ thụ", 10, &cols),
            ["Trà Shan", "tuyết cổ", "thụ"]
        );
        assert_eq!(wrap("abcdefghijkl", 5, &cols), ["abcde", "fghij", "kl"]);
        assert_eq!(wrap("", 5, &cols), [""]);
        assert_eq!(wrap("a\nb", 5, &cols), ["a", "b"]);
        // Indentation survives wrapping (a regression: slip detail lines
        // lost their indent once they wrapped).
        assert_eq!(
            wrap("  24 chai Lô L2611", 10, &cols),
            ["  24 chai", "Lô L2611"]
        );
    }

    #[test]
    fn row_puts_the_amount_on_the_last_wrapped_line() {
        assert_eq!(
            row("Mật ong", "120.000", 20, 1, &cols),
            [("Mật ong".into(), "120.000".into())]
        );
        assert_eq!(
            row("Mật ong bạc hà Đồng Văn", "120.000", 20, 1, &cols),
            [
                ("Mật ong bạc".to_string(), String::new()),
                ("hà Đồng Văn".to_string(), "120.000".to_string())
            ]
        );
    }
}
