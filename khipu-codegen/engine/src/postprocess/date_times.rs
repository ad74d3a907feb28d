//! typify maps `format: date-time` to `chrono::DateTime<Utc>`, which loses Khipu's `-0400` offset
//! and rejects values without one. Every such type becomes `khipu_types::DateTime`. Any other
//! chrono path, and typify's `regress` (for `pattern`), go through `khipu_types`' re-exports, so
//! generated code needs no dependency of its own for them.

use syn::visit_mut::{self, VisitMut};

use crate::pass::Log;

pub(super) fn run(file: &mut syn::File, log: &mut Log) {
    let mut rewrite = Rewrite {
        date_times: 0,
        other: 0,
    };
    rewrite.visit_file_mut(file);
    if rewrite.date_times > 0 {
        log.fix_item(
            "types",
            format!(
                "{} chrono::DateTime<Utc> -> khipu_types::DateTime",
                rewrite.date_times
            ),
        );
    }
    if rewrite.other > 0 {
        log.fix_item(
            "types",
            format!(
                "{} other chrono paths -> khipu_types::chrono",
                rewrite.other
            ),
        );
    }
}

struct Rewrite {
    date_times: usize,
    other: usize,
}

fn starts_with_chrono(path: &syn::Path) -> bool {
    path.segments.first().is_some_and(|s| s.ident == "chrono")
}

fn reexported(path: &syn::Path) -> bool {
    path.segments
        .first()
        .is_some_and(|s| s.ident == "chrono" || s.ident == "regress")
}

impl VisitMut for Rewrite {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(p) = ty
            && p.qself.is_none()
            && starts_with_chrono(&p.path)
            && p.path
                .segments
                .last()
                .is_some_and(|s| s.ident == "DateTime")
        {
            *ty = syn::parse_quote!(::khipu_types::DateTime);
            self.date_times += 1;
            return;
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if reexported(path) {
            let rest = &path.segments;
            *path = syn::parse_quote!(::khipu_types::#rest);
            self.other += 1;
            return;
        }
        visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use crate::pass::{Log, Report};
    use quote::quote;

    #[test]
    fn date_times_keep_their_offset_and_chrono_is_reexported() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct Payment {
                pub expires_date: ::chrono::DateTime<::chrono::offset::Utc>,
                pub conciliation_date: ::std::option::Option<chrono::DateTime<chrono::offset::Utc>>,
                pub day: ::chrono::naive::NaiveDate,
                pub re: ::regress::Regex,
            }
        })
        .unwrap();
        let mut report = Report::default();
        super::run(&mut file, &mut Log::new("date-times", &mut report));
        let out = quote!(#file).to_string();
        let expected = quote! {
            pub struct Payment {
                pub expires_date: ::khipu_types::DateTime,
                pub conciliation_date: ::std::option::Option<::khipu_types::DateTime>,
                pub day: ::khipu_types::chrono::naive::NaiveDate,
                pub re: ::khipu_types::regress::Regex,
            }
        };
        assert_eq!(out, expected.to_string());
        assert_eq!(report.fixes.len(), 2);
    }
}
