//! How the page loads its client code (the WASM bundle and its JS glue), in place of Leptos's
//! `HydrationScripts`. Server-side only: the document's head is rendered there.
//!
//! The picture is the page, and its largest paint. `HydrationScripts` puts a `preload` of the
//! WASM in the head (only lowered in priority with `defer`), so a phone downloads the whole
//! client (over 500 KB after brotli) at the same time as the picture, sharing a slow
//! connection: Lighthouse's mobile run had the 62 KB picture taking 2.3 s to arrive. Here the
//! client code is asked for after the `load` event, which waits for the picture and the
//! stylesheet, and then when the browser is idle (at most 2 s later). Until it runs, the rating
//! buttons post their plain form, which works the same without JavaScript.
//!
//! The bundle's file names are read once per process (`HydrationScripts` read `hash.txt` from
//! disk on every page).
//!
//! With the pages' code split into chunks (`cargo leptos build --split`, see `pages::lazy`), the
//! main WASM and its JS glue name the chunks' loader, `__wasm_split.<hash>.js`, and cargo-leptos
//! writes that name into them after naming them after their contents. A change to one page's
//! chunk alone gives the loader a new name inside a main WASM whose name stays the same, and a
//! browser that kept the old one for good would ask for a loader that no longer exists. So the
//! WASM's address carries the loader's hash too, and the server asks browsers to revalidate the
//! small JS glue (which the loader imports by its plain name) rather than keep it.

use leptos::prelude::*;

/// Where the built client lives: the stylesheet, the JS glue and the WASM, with the content
/// hashes of a release build (cargo-leptos `hash-files`).
#[derive(Debug, PartialEq, Eq)]
pub struct BundleFiles {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl BundleFiles {
    /// The addresses for `options`, given the hashes (`kind: hash` lines) of `hash.txt`, if the
    /// files are named after their contents and the file was found.
    fn new(options: &LeptosOptions, hashes: Option<&str>) -> Self {
        let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
        let hash_of = |kind: &str| {
            hashes?.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| format!(".{}", hash.trim()))
            })
        };
        let named = |kind: &str, suffix: &str| {
            format!("/{pkg}/{name}{suffix}{}.{kind}", hash_of(kind).unwrap_or_default())
        };
        // wasm-bindgen calls the WASM `<name>_bg` unless cargo-leptos named it (it sets
        // LEPTOS_OUTPUT_NAME when it builds), as Leptos's own script assumes too.
        let wasm_suffix = if hashes.is_none() && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            "_bg"
        } else {
            ""
        };
        let mut wasm = named("wasm", wasm_suffix);
        if let Some(loader) = hash_of("split") {
            wasm.push_str("?loader=");
            wasm.push_str(loader.trim_start_matches('.'));
        }
        Self { css: named("css", ""), js: named("js", ""), wasm }
    }

    /// This build's files, read once.
    pub fn of(options: &LeptosOptions) -> &'static Self {
        static FILES: std::sync::OnceLock<BundleFiles> = std::sync::OnceLock::new();
        FILES.get_or_init(|| {
            let hashes = options
                .hash_files
                .then(|| {
                    let exe = std::env::current_exe().ok()?;
                    std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
                })
                .flatten();
            if options.hash_files && hashes.is_none() {
                tracing::error!("the bundle's files are hashed, but hash.txt was not found");
            }
            Self::new(options, hashes.as_deref())
        })
    }
}

/// Loads the client code once the page, picture included, has loaded (see the module's
/// comment).
#[component]
pub fn ClientCode(files: &'static BundleFiles) -> impl IntoView {
    let script = format!(
        "(function (js, wasm) {{\
           const hydrate = () => import(js).then(glue => \
             glue.default({{ module_or_path: wasm }}).then(() => glue.hydrate()));\
           const whenIdle = () => \"requestIdleCallback\" in window \
             ? window.requestIdleCallback(hydrate, {{ timeout: 2000 }}) : hydrate();\
           if (document.readyState === \"complete\") whenIdle();\
           else window.addEventListener(\"load\", whenIdle, {{ once: true }});\
         }})({:?}, {:?});",
        files.js, files.wasm
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_use_the_hashed_names_and_the_loaders_hash_and_others_the_plain_ones() {
        let options = LeptosOptions::builder().output_name("site").build();
        let hashed = BundleFiles::new(&options, Some("js: J1\nwasm: W2\ncss: C3\n"));
        assert_eq!(
            hashed,
            BundleFiles {
                css: "/pkg/site.C3.css".into(),
                js: "/pkg/site.J1.js".into(),
                wasm: "/pkg/site.W2.wasm".into(),
            }
        );
        let split = BundleFiles::new(&options, Some("js: J1\nwasm: W2\ncss: C3\nsplit: S4\n"));
        assert_eq!(split.wasm, "/pkg/site.W2.wasm?loader=S4");
        assert_eq!(split.js, "/pkg/site.J1.js");
        let plain = BundleFiles::new(&options, None);
        assert_eq!(plain.css, "/pkg/site.css");
        assert_eq!(plain.js, "/pkg/site.js");
        assert!(plain.wasm == "/pkg/site.wasm" || plain.wasm == "/pkg/site_bg.wasm");
    }
}
