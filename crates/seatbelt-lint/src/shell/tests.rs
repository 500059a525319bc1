use super::*;

fn names(script: &Script) -> Vec<&str> {
    script.commands.iter().filter_map(|c| c.name()).collect()
}

#[test]
fn lists_and_pipes() {
    let s = split("apt-get update && apt-get install -y curl || true; curl -fsSL https://x | sh");
    assert_eq!(names(&s), ["apt-get", "apt-get", "true", "curl", "sh"]);
    assert_eq!(s.commands[1].before, Separator::And);
    assert_eq!(s.commands[3].after, Separator::Pipe);
    assert!(s.has_pipe());
    assert!(s.is_complete());
}

#[test]
fn quotes_substitutions_and_assignments() {
    let s = split("DEBIAN_FRONTEND=noninteractive apt-get install -y \"pkg=1.0\" 'a b' $(echo \")\") `date` ${X:-y}");
    let c = &s.commands[0];
    assert_eq!(c.assignments[0].text, "DEBIAN_FRONTEND=noninteractive");
    let words: Vec<_> = c.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(
        words,
        [
            "apt-get",
            "install",
            "-y",
            "pkg=1.0",
            "a b",
            "$(echo \")\")",
            "`date`",
            "${X:-y}"
        ]
    );
    assert!(c.words[5].dynamic && !c.words[3].dynamic);
}

#[test]
fn redirections_are_not_arguments() {
    let s = split("wget -q -O- https://x 2>/dev/null > out.txt; echo ok >&2");
    let words: Vec<_> = s.commands[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(words, ["wget", "-q", "-O-", "https://x"]);
    assert_eq!(s.commands[1].words.len(), 2);
}

#[test]
fn here_documents_are_data() {
    let s = split("cat <<EOF > /etc/x\napt-get install foo\nEOF\necho done\n");
    assert_eq!(names(&s), ["cat", "echo"]);
}

#[test]
fn sh_dash_c_is_followed_once_per_level() {
    let s = split("su app -c 'x' && /bin/sh -ec \"apt-get install -y foo && bash -c 'npm i'\"");
    assert_eq!(names(&s), ["su", "sh", "apt-get", "bash", "npm"]);
    assert_eq!(s.commands[2].depth, 1);
    assert_eq!(s.commands[4].depth, 2);
}

#[test]
fn constructs_not_understood_are_reported() {
    let s = split("case $x in a) apt-get install foo;; esac; f() { rm -rf /; }; for p in a b; do pip install $p; done; if true; then echo; fi");
    let constructs: Vec<_> = s.unparsed.iter().map(|u| u.construct).collect();
    assert_eq!(constructs, ["case", "function", "loop", "if"]);
    assert_eq!(names(&s), ["pip", "true", "echo"]);
    assert!(!split("echo 'open").is_complete());
}

#[test]
fn tools_and_operands() {
    let s = split("python3 -m pip install --no-cache-dir -r req.txt flask==3.0 && apt-get -o Dpkg::Options::=--force-confnew install -y curl=7.88");
    let pip = Tool::of(&s.commands[0]).unwrap();
    assert_eq!(pip.tool, Tool::Pip);
    assert!(pip.runs(&["install"]));
    let packages: Vec<_> = pip.packages().iter().map(|w| w.text.as_str()).collect();
    assert_eq!(packages, ["flask==3.0"]);
    assert!(pip.has(&["--no-cache-dir"]));
    let apt = Tool::of(&s.commands[1]).unwrap();
    assert_eq!(apt.subcommand(), Some("install"));
    assert!(apt.has_short('y'));
}

#[test]
fn deep_nesting_is_bounded() {
    let mut script = String::from("true");
    for _ in 0..10 {
        script = format!("sh -c {}", shell_quote(&script));
    }
    let s = split(&script);
    assert!(s
        .unparsed
        .iter()
        .any(|u| u.construct == "sh -c nested too deep"));
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
