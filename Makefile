# The two commands a newcomer needs are `make run` and `make test`; each installs what is
# missing first. See README.md.

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: run test setup setup-test headless bundle keys check-template check-deb check-updates check-portable check-platforms icons lint bench bench-smoke mutants clean

## Run the desktop app (installs what is missing, builds, opens the window).
run: setup
	tauri dev

## Run every test: formatting, lints, the graph for other platforms, the icons, unit, HTTP,
## both UI suites, the .deb, a project generated from the template, the benchmark smoke run,
## the installed app updating itself.
test: setup-test
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	$(MAKE) check-portable
	scripts/icons.sh --check
	xvfb-run -a -s "-screen 0 1280x1024x24" cargo test --workspace --exclude datastar-desktop --locked -- --include-ignored
	# Two lines of work side by side, their output interleaved as it comes. The other
	# platforms' checks build into their own target directory, at a lower priority, on the
	# core that the real-window tests and the release build's last minutes (fat LTO, one
	# codegen unit) leave idle.
	$(MAKE) --jobs 2 --output-sync=none platforms-checked desktop-and-packages-checked
	scripts/check-template.sh
	$(MAKE) bench-smoke
	# Last: it builds test versions of the app into target/debug.
	$(MAKE) check-updates

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

## The server alone, for any browser: make headless PORT=3000
headless: setup
	cargo run --release --locked -p datastar-ui --bin datastar-headless

## The installable packages, built offline: target/release/bundle/{deb,rpm}/, signed for
## the updater, with latest.json, when TAURI_SIGNING_PRIVATE_KEY is set.
bundle: setup
	scripts/bundle.sh

## This app's own update-signing key: writes its public half into tauri.conf.json, and keeps
## the private one out of the repository (KEY_FILE, by default ~/.tauri/<app>.key).
keys: setup
	scripts/keys.sh

## The installed app updating itself from a release server on loopback: builds two test
## versions (dev profile) with a throwaway key, installs the older (root, or sudo), walks the
## page from the first-launch question to the restarted new version, and every refusal on
## the way.
check-updates: setup-test
	xvfb-run -a -s "-screen 0 1280x1024x24" cargo test -p datastar-desktop --locked --test desktop -- --include-ignored self_update::

# `make test`'s two lines of work that run side by side; set up already.
.PHONY: platforms-checked desktop-and-packages-checked
platforms-checked:
	nice -n 10 scripts/check-platforms.sh
desktop-and-packages-checked:
	# One at a time: these tests share one X display, its keyboard focus and its windows.
	xvfb-run -a -s "-screen 0 1280x1024x24" cargo test -p datastar-desktop --locked --lib --bins --test desktop -- --include-ignored --test-threads 1 --skip self_update::
	scripts/bundle.sh
	scripts/check-deb.sh
	scripts/check-rpm.sh
	scripts/check-release.sh
	# The benchmark's own binaries, for bench-smoke: built here, beside the other platforms'
	# checks, because their last minute is spent linking on one core (fat LTO).
	cargo build --release --locked -p bench --bins

## Build, install, start, check and remove the .deb, as a user would.
check-deb: bundle
	scripts/check-deb.sh

## A project made from this template with cargo-generate, and its own checks.
check-template: setup-test
	scripts/check-template.sh

## Windows and macOS, compiled: type-checks both, builds the Windows server with mingw and
## runs its HTTP tests under Wine (Debian 12's own Rust, with -Zbuild-std).
check-platforms: setup-test
	scripts/check-platforms.sh

## The desktop app's dependencies resolve for Windows and macOS with no Linux-only crate.
check-portable:
	scripts/check-portable.sh

## Regenerates every platform's icons from ui/assets/favicon.svg (commit the result).
icons: setup
	scripts/icons.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

## The full benchmark against the seed (about 15 minutes); writes .bench/results-full.md
bench: setup-test bundle
	xvfb-run -a -s "-screen 0 1280x1024x24" cargo run --release --locked -p bench -- full

## A few seconds of every benchmark, so it cannot rot (needs `make bundle` first).
bench-smoke:
	xvfb-run -a -s "-screen 0 1280x1024x24" cargo run --release --locked -p bench -- smoke

## Mutation testing (about 40 minutes): every surviving mutant is a test gap. All of the
## server crate, then the desktop shell's unit-tested modules (their unit tests only: the
## real-window tests are too slow to run per mutant). Exclusions, each with its reason, are
## in .cargo/mutants.toml. Not part of `make test`. Results: target/mutants/{ui,desktop}/.
DESKTOP_MUTATED = navigation renderer_recovery log_file about menu engine_env
mutants:
	scripts/setup.sh mutants
	mkdir -p target/mutants
	cargo mutants --package datastar-ui --no-shuffle --jobs 2 --output target/mutants/ui
	cargo mutants --package datastar-desktop --no-shuffle --jobs 2 --output target/mutants/desktop \
		$(foreach module,$(DESKTOP_MUTATED),--file src-tauri/$(module).rs) -- --lib

clean:
	cargo clean
	rm -rf node_modules ui/vendor .bench
