use crate::model::{Base, Model};
use crate::rule::Sink;
use crate::shell::Tool;

use super::util::calls;

crate::rule! {
    /// ## What it does
    /// Reports a final stage that is a compiler toolchain image (`golang`, `rust`, `maven`,
    /// `gradle`, `gcc`, `*-jdk`) or installs compilers and build tools (`build-essential`,
    /// `gcc`, `g++`, `clang`, `make`, `cmake`, `cargo`, `golang`…), when the file has only
    /// one stage.
    ///
    /// ## Why it matters
    /// Compilers in the shipped image make it larger, add packages with their own CVEs, and
    /// hand an attacker a toolchain. A multi-stage build compiles in a builder stage and
    /// copies only the result into a small runtime image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// COPY . .
    /// RUN go build -o /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /app
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    BUILD_TOOLS {
        id: "SB1204",
        aliases: [],
        name: "build-tools-in-final-stage",
        severity: Low,
        summary: "Use a multi-stage build: no compilers in the final image",
        check: check,
    }
}

const TOOLCHAIN_IMAGES: [&str; 7] = [
    "golang",
    "rust",
    "maven",
    "gradle",
    "gcc",
    "openjdk",
    "eclipse-temurin",
];
const BUILD_PACKAGES: [&str; 12] = [
    "build-essential",
    "gcc",
    "g++",
    "clang",
    "make",
    "cmake",
    "cargo",
    "rustc",
    "golang",
    "golang-go",
    "build-base",
    "gcc-c++",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    if model.stages.len() != 1 {
        return;
    }
    let Some(stage) = model.stages.first() else {
        return;
    };
    if let Base::Image(image) = &stage.base {
        let name = image.short_name();
        let jdk = image.tag.as_deref().is_some_and(|t| t.contains("jdk"));
        let toolchain = TOOLCHAIN_IMAGES.contains(&name)
            && (name != "openjdk" && name != "eclipse-temurin" || jdk);
        if toolchain {
            if let Some(at) = model.instructions.get(stage.from) {
                sink.report(at, format!("The only stage is built on the {name} toolchain image; build in a builder stage and copy the result into a runtime image"));
                return;
            }
        }
    }
    for (located, script) in model.runs() {
        let installs = [
            Tool::AptGet,
            Tool::Apk,
            Tool::Dnf,
            Tool::Yum,
            Tool::Microdnf,
            Tool::Zypper,
        ]
        .into_iter()
        .flat_map(|tool| {
            calls(script, tool)
                .filter(|c| c.runs(&["install", "add"]))
                .flat_map(|c| c.packages())
                .collect::<Vec<_>>()
        })
        .find(|p| {
            let name = p.text.split(['=', '<', '>']).next().unwrap_or_default();
            BUILD_PACKAGES.contains(&name)
        });
        if let Some(package) = installs {
            sink.report(
                located,
                format!(
                    "{} is installed in the final image; compile in a builder stage instead",
                    package.text
                ),
            );
        }
    }
}
