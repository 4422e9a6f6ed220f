//! `clipforge template list | show | render`: arguments to `clipforge::template` calls (fills
//! from `--clip name=path` style flags), results to text or JSON.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use clipforge::template::{Fill, Fills, Slot, SlotKind, Template};
use clipforge::{CancelToken, Error};

#[derive(Subcommand)]
pub enum TemplateAction {
    /// The built-in templates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A template's slots (what to fill).
    Show {
        /// A built-in name or a template JSON file.
        template: String,
        /// The whole template as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Fill a template, write its recipe and export every output into --out-dir.
    Render(Box<RenderArgs>),
}

#[derive(Args)]
pub struct RenderArgs {
    /// A built-in name or a template JSON file.
    template: String,
    /// NAME=VIDEO for a clip slot (repeatable).
    #[arg(long, value_name = "NAME=PATH")]
    clip: Vec<String>,
    /// NAME=START:END, source seconds, for a clip slot whose part is `trim`.
    #[arg(long, value_name = "NAME=START:END")]
    trim: Vec<String>,
    /// NAME=PICTURE for an image slot.
    #[arg(long, value_name = "NAME=PATH")]
    image: Vec<String>,
    #[arg(long, value_name = "NAME=TEXT")]
    text: Vec<String>,
    /// NAME=AMOUNT:CURRENCY, e.g. price=12.50:EUR (written as --locale writes money).
    #[arg(long, value_name = "NAME=AMOUNT:CUR")]
    price: Vec<String>,
    /// NAME=URL, or NAME=URL,code=SHORT to give the short code.
    #[arg(long, value_name = "NAME=URL")]
    link: Vec<String>,
    /// NAME=#RRGGBB.
    #[arg(long, value_name = "NAME=#RRGGBB")]
    color: Vec<String>,
    /// NAME=YYYY-MM-DD[THH:MM].
    #[arg(long, value_name = "NAME=DATE")]
    date: Vec<String>,
    /// How prices and the expiry badge are written (BCP 47: en-US, de-DE, fr-FR, …).
    #[arg(long, value_name = "TAG", default_value = clipforge::template::DEFAULT_LOCALE)]
    locale: String,
    /// Height of every output, pixels (default: the recipe's, 1080 class).
    #[arg(long, value_name = "PX")]
    height: Option<u32>,
    /// Where the recipe, the card images, the videos and their links manifests go.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    #[arg(long)]
    json: bool,
}

pub fn run(action: TemplateAction, cancel: &CancelToken) -> Result<(), Error> {
    match action {
        TemplateAction::List { json } => {
            let names = Template::builtin_names();
            if json {
                println!("{}", serde_json::to_string(&names).map_err(|e| Error::internal(e.to_string()))?);
            } else {
                for n in names {
                    let t = Template::builtin(n)?;
                    println!("{n:<16} {}", t.spec().description);
                }
            }
            Ok(())
        }
        TemplateAction::Show { template, json } => {
            let t = load(&template)?;
            if json {
                println!("{}", t.to_json());
            } else {
                println!("{} ({} s): {}", t.name(), t.spec().length, t.spec().description);
                for s in t.slots() {
                    println!("  {:<10} {:<6} {}{}", s.name, s.kind.name(), s.label, constraints(s));
                }
            }
            Ok(())
        }
        TemplateAction::Render(args) => render(*args, cancel),
    }
}

fn load(name_or_file: &str) -> Result<Template, Error> {
    let p = Path::new(name_or_file);
    if p.is_file() { Template::from_file(p) } else { Template::builtin(name_or_file) }
}

fn constraints(s: &Slot) -> String {
    let mut v = Vec::new();
    if s.kind == SlotKind::Clip {
        let (lo, hi) = s.clip_seconds();
        v.push(format!("{lo}–{} s", hi.map_or("?".into(), |m| m.to_string())));
        v.push(format!("part {}", s.part.unwrap_or_default().name()));
    }
    if let Some(m) = s.max_chars {
        v.push(format!("≤ {m} chars"));
    }
    if let Some(d) = &s.default {
        v.push(format!("default {d}"));
    }
    if s.optional {
        v.push("optional".into());
    }
    if v.is_empty() { String::new() } else { format!(" ({})", v.join(", ")) }
}

fn split<'a>(flag: &str, arg: &'a str) -> Result<(&'a str, &'a str), Error> {
    arg.split_once('=').ok_or_else(|| Error::invalid(format!("--{flag} takes NAME=VALUE, got '{arg}'")))
}

fn fills(a: &RenderArgs) -> Result<Fills, Error> {
    let mut f = Fills::new();
    for c in &a.clip {
        let (n, p) = split("clip", c)?;
        f.insert(n.into(), Fill::Clip { path: p.into(), start: None, end: None });
    }
    for t in &a.trim {
        let (n, r) = split("trim", t)?;
        let bad = || Error::invalid(format!("--trim takes NAME=START:END in seconds, got '{t}'"));
        let (s, e) = r.split_once(':').ok_or_else(bad)?;
        let (s, e): (f64, f64) = (s.parse().map_err(|_| bad())?, e.parse().map_err(|_| bad())?);
        match f.get_mut(n) {
            Some(Fill::Clip { start, end, .. }) => (*start, *end) = (Some(s), Some(e)),
            _ => return Err(Error::invalid(format!("--trim {n}: give --clip {n}=PATH too"))),
        }
    }
    for i in &a.image {
        let (n, p) = split("image", i)?;
        f.insert(n.into(), Fill::Image { path: p.into() });
    }
    for t in &a.text {
        let (n, v) = split("text", t)?;
        f.insert(n.into(), Fill::Text { text: v.into() });
    }
    for p in &a.price {
        let (n, v) = split("price", p)?;
        let (amount, currency) = v.split_once(':').ok_or_else(|| Error::invalid(format!("--price takes NAME=AMOUNT:CURRENCY, got '{p}'")))?;
        f.insert(n.into(), Fill::Price { amount: amount.into(), currency: currency.into() });
    }
    for l in &a.link {
        let (n, v) = split("link", l)?;
        let (url, code) = match v.rsplit_once(",code=") {
            Some((u, c)) => (u, Some(c.to_string())),
            None => (v, None),
        };
        f.insert(n.into(), Fill::Link { url: url.into(), code });
    }
    for c in &a.color {
        let (n, v) = split("color", c)?;
        f.insert(n.into(), Fill::Color { color: v.into() });
    }
    for d in &a.date {
        let (n, v) = split("date", d)?;
        f.insert(n.into(), Fill::Date { date: v.into() });
    }
    Ok(f)
}

fn render(a: RenderArgs, cancel: &CancelToken) -> Result<(), Error> {
    let t = load(&a.template)?;
    let fills = fills(&a)?;
    std::fs::create_dir_all(&a.out_dir).map_err(|e| Error::io_at(&a.out_dir, e))?;
    let mut recipe = t.render_for(&fills, &a.locale, &a.out_dir)?;
    for o in &mut recipe.outputs {
        o.height = a.height.or(o.height);
    }
    let reports = clipforge::export(&recipe, &|_| {}, cancel)?;
    let recipe_path = a.out_dir.join(format!("{}.recipe.json", t.name()));
    let json = serde_json::to_string_pretty(&recipe).map_err(|e| Error::internal(e.to_string()))?;
    std::fs::write(&recipe_path, json).map_err(|e| Error::io_at(&recipe_path, e))?;
    if a.json {
        let v = serde_json::json!({ "recipe": recipe_path, "outputs": reports });
        println!("{}", serde_json::to_string(&v).map_err(|e| Error::internal(e.to_string()))?);
    } else {
        println!("recipe: {}", recipe_path.display());
        for r in reports {
            println!("{}  {}x{}  {:.3}s  {} bytes", r.path.display(), r.width, r.height, r.duration, r.bytes);
        }
    }
    Ok(())
}
