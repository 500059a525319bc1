use super::*;
use crate::ast::Mount;

fn only(source: &str) -> Instruction {
    let file = parse(source).unwrap();
    let first = file.instructions().next().unwrap().clone();
    first
}

fn round_trip(source: &str) {
    let first = parse(source).unwrap();
    let printed = crate::print(&first);
    let second = parse(&printed).unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert_eq!(
        first.without_positions(),
        second.without_positions(),
        "{printed}"
    );
}

#[test]
fn directives_and_escape() {
    let file = parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM windows\nRUN dir `\n  c:\\\n")
        .unwrap();
    assert_eq!(file.escape, '`');
    assert_eq!(file.directives.len(), 2);
    let run = file.instructions().nth(1).unwrap();
    assert_eq!(run.args, Args::Command(Command::Shell("dir   c:\\".into())));
    round_trip("# syntax=docker/dockerfile:1\n# escape=`\nFROM windows\nRUN dir `\n  c:\\\n");
}

#[test]
fn directive_after_comment_is_a_comment() {
    let file = parse("# hello\n# escape=`\nFROM a\n").unwrap();
    assert!(file.directives.is_empty());
    assert_eq!(file.escape, '\\');
}

#[test]
fn bad_escape_directive() {
    assert_eq!(
        parse("# escape=x\nFROM a\n"),
        Err(ParseError::BadEscape {
            value: "x".into(),
            line: 1
        })
    );
}

#[test]
fn continuation_drops_comments_and_keeps_positions() {
    let source =
        "FROM debian:12\nRUN apt-get update \\\n  # a comment\n\n  && apt-get install -y curl\n";
    let run = only(&source.replace("FROM debian:12\n", ""));
    assert_eq!(
        run.args,
        Args::Command(Command::Shell(
            "apt-get update   && apt-get install -y curl".into()
        ))
    );
    let offset = run.source.text.find("install").unwrap();
    assert_eq!(
        run.source.position(offset),
        Position {
            line: 4,
            column: 14
        }
    );
    assert_eq!(run.span.end.line, 4);
}

#[test]
fn flags_and_mounts() {
    let run = only("RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=secret,id=npm,env=NPM_TOKEN --network=none apt-get update\n");
    assert_eq!(run.flags.len(), 3);
    let mounts = run.mounts();
    assert_eq!(mounts[0].kind, "cache");
    assert_eq!(mounts[0].target.as_deref(), Some("/var/cache/apt"));
    assert_eq!(
        mounts[1],
        Mount {
            kind: "secret".into(),
            id: Some("npm".into()),
            env: Some("NPM_TOKEN".into()),
            ..Mount::default()
        }
    );
    assert_eq!(run.flag("network").unwrap().value.as_deref(), Some("none"));
}

#[test]
fn heredocs() {
    let source = "FROM alpine:3.20\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\nCOPY <<-'CONF' /etc/app.conf\n\tkey=$value\n\tCONF\nRUN <<A cat > /a && <<\"B\" cat > /b\none\nA\ntwo\nB\nCMD [\"sh\"]\n";
    let file = parse(source).unwrap();
    let all: Vec<_> = file.instructions().collect();
    assert_eq!(all.len(), 5);
    assert_eq!(all[1].heredocs[0].body, "set -e\napk add --no-cache curl\n");
    assert_eq!(all[1].heredocs[0].body_line, 3);
    assert!(all[2].heredocs[0].strip_tabs && all[2].heredocs[0].quoted);
    assert_eq!(all[3].heredocs.len(), 2);
    assert_eq!(all[3].heredocs[1].delimiter, "B");
    assert_eq!(all[4].keyword, Keyword::Cmd);
    round_trip(source);
}

#[test]
fn unterminated_heredoc_names_the_marker() {
    assert_eq!(
        parse("FROM a\nRUN  cat <<END\nno end\n"),
        Err(ParseError::UnterminatedHeredoc {
            delimiter: "END".into(),
            line: 2,
            column: 10
        })
    );
}

#[test]
fn here_string_and_arithmetic_are_no_heredocs() {
    let run = only("RUN cat <<< hi && echo $((1 << 2)) \"<<EOF\"\n");
    assert!(run.heredocs.is_empty());
}

#[test]
fn exec_and_shell_forms() {
    assert_eq!(
        only("CMD [\"a\", \"b c\"]\n").args,
        Args::Command(Command::Exec(vec!["a".into(), "b c".into()]))
    );
    assert_eq!(
        only("CMD ['a']\n").args,
        Args::Command(Command::Shell("['a']".into()))
    );
}

#[test]
fn from_forms() {
    assert_eq!(
        only("from --platform=$BUILDPLATFORM golang:1.22 as build\n").args,
        Args::From {
            image: "golang:1.22".into(),
            alias: Some("build".into())
        }
    );
    assert!(matches!(
        parse("FROM a b\n"),
        Err(ParseError::BadArguments {
            line: 1,
            column: 8,
            ..
        })
    ));
    assert!(matches!(
        parse("FROM\n"),
        Err(ParseError::MissingArguments { line: 1, .. })
    ));
}

#[test]
fn env_and_label_pairs() {
    let env = only("ENV A=1 B=\"two words\" C=three\\ words\n");
    let Args::Pairs(pairs) = env.args else {
        panic!()
    };
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[1].value, "\"two words\"");
    let legacy = only("ENV PATH /usr/local/bin:$PATH\n");
    assert_eq!(
        legacy.args,
        Args::Pairs(vec![KeyValue {
            key: "PATH".into(),
            value: "/usr/local/bin:$PATH".into(),
            legacy: true
        }])
    );
    assert!(matches!(
        parse("LABEL a=1 b\n"),
        Err(ParseError::BadArguments { column: 11, .. })
    ));
    assert!(matches!(
        parse("ENV A=\"open\n"),
        Err(ParseError::UnterminatedQuote {
            quote: '"',
            line: 1,
            column: 7
        })
    ));
}

#[test]
fn copy_add_flags() {
    let copy = only("COPY --link --chmod=0755 --chown=app:app --from=build --parents --exclude=*.md a b /dst/\n");
    let names: Vec<_> = copy.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["link", "chmod", "chown", "from", "parents", "exclude"]
    );
    let add = only("ADD --checksum=sha256:abc --keep-git-dir=true https://example.com/a.tgz /a\n");
    assert_eq!(add.flags.len(), 2);
    round_trip("COPY [\"a b\", \"/c/\"]\nVOLUME [\"/data\"]\nVOLUME /a /b\n");
}

#[test]
fn onbuild_and_healthcheck() {
    let onbuild = only("ONBUILD RUN --mount=type=cache,target=/root/.cache pip install .\n");
    let Args::Onbuild(inner) = onbuild.args else {
        panic!()
    };
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(inner.flags.len(), 1);
    assert_eq!(only("HEALTHCHECK NONE\n").args, Args::Healthcheck(None));
    let hc = only("HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n");
    assert_eq!(hc.flags[0].name, "interval");
    assert!(matches!(
        parse("ONBUILD ONBUILD RUN x\n"),
        Err(ParseError::BadArguments { .. })
    ));
    assert!(matches!(
        parse("HEALTHCHECK curl x\n"),
        Err(ParseError::BadArguments { .. })
    ));
}

#[test]
fn unknown_instruction_position() {
    assert_eq!(
        parse("FROM a\n  RUNN x\n"),
        Err(ParseError::UnknownInstruction {
            keyword: "RUNN".into(),
            line: 2,
            column: 3
        })
    );
}

#[test]
fn limits_and_odd_input() {
    let huge = "#".repeat(MAX_DOCKERFILE_BYTES + 1);
    assert!(matches!(parse(&huge), Err(ParseError::TooLarge { .. })));
    assert_eq!(parse("").unwrap().items.len(), 0);
    assert!(parse("\u{feff}FROM a\r\nRUN b \\\r\n c\r\n").is_ok());
    round_trip("FROM a\nRUN b \\\n");
}
