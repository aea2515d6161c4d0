//! [`honest_enum!`](crate::honest_enum): a simple `#[pyclass] enum` whose stub says what it is.
//!
//! pyo3-stub-gen's `#[gen_stub_pyclass_enum]` stubs such an enum as `class X(enum.Enum)`, but
//! pyo3 makes it a plain final class (MRO `(X, object)`) whose variants are class attributes
//! holding its instances: `X.A.name`, `list(X)` and `X["A"]` type-check and raise, and
//! `int(X.A)` works but does not type-check. Neither stubtest nor `pyright --verifytypes`
//! notices; `python -m kit.stubtruth` does. pyo3-stub-gen has no option for the honest stub,
//! so this macro submits it by hand (its `PyClassInfo` and `PyMethodsInfo`, as the derive
//! macros do): every variant `A: typing.ClassVar[X]`, plus `__eq__`, `__hash__`, `__int__` and
//! `__repr__`, which pyo3 gives an enum declared with the options the macro requires.
//!
//! The payload has no enum; the README's recipe ("Adding Rust code") uses this, and
//! `tests/devloop/test_recipe.py` builds that recipe and checks the stub against the runtime.

/// Declares a simple `#[pyclass] enum` (written inside the macro exactly as without it) and its
/// honest stub entry. The `///` docs are written once, for both the runtime and the stub.
///
/// `#[pyclass(...)]` must have `eq, eq_int, hash, frozen`, so that the runtime has what the
/// stub promises (`python -m kit.stubtruth` checks it does); a variant's Python name is its
/// `#[pyo3(name = "...")]`, else its Rust name (`rename_all` is not read: name each one):
///
/// ```text
/// crate::honest_enum! {
///     /// A playing-card suit.
///     #[pyclass(module = "py_run_rs", eq, eq_int, hash, frozen)]
///     #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
///     pub enum Suit {
///         /// Clubs.
///         #[pyo3(name = "CLUBS")]
///         Clubs,
///         /// Hearts.
///         #[pyo3(name = "HEARTS")]
///         Hearts,
///     }
/// }
/// ```
///
/// The structs it fills are pyo3-stub-gen's own (=0.23.2, pinned): a version that changes their
/// fields fails to compile here rather than writing a wrong stub.
#[macro_export]
macro_rules! honest_enum {
    // The stub entries, read from the enum's tokens.
    (@stub
        $(#[$($attr:tt)*])*
        $vis:vis enum $name:ident {
            $(
                $(#[$($variant_attr:tt)*])*
                $variant:ident
            ),+ $(,)?
        }
    ) => {
        impl ::pyo3_stub_gen::PyStubType for $name {
            fn type_output() -> ::pyo3_stub_gen::TypeInfo {
                ::pyo3_stub_gen::TypeInfo::locally_defined(stringify!($name), Default::default())
            }
        }

        ::pyo3_stub_gen::inventory::submit! {
            ::pyo3_stub_gen::type_info::PyClassInfo {
                struct_id: ::std::any::TypeId::of::<$name>,
                pyclass_name: stringify!($name),
                module: None, // the default module: the package's
                doc: concat!($($crate::honest_enum!(@doc #[$($attr)*])),*),
                getters: &[],
                setters: &[],
                bases: &[],
                has_eq: true,   // def __eq__(self, other: object, /) -> bool
                has_ord: false,
                has_hash: true, // def __hash__(self) -> int
                has_str: false,
                subclass: false, // @typing.final: a pyo3 enum cannot be subclassed
            }
        }

        ::pyo3_stub_gen::inventory::submit! {
            ::pyo3_stub_gen::type_info::PyMethodsInfo {
                struct_id: ::std::any::TypeId::of::<$name>,
                // `A: typing.ClassVar[X]`, not `Final`: pyo3's types let class attributes be
                // reassigned.
                attrs: &[$(
                    ::pyo3_stub_gen::type_info::MemberInfo {
                        name: $crate::honest_enum!(@name $variant $(#[$($variant_attr)*])*),
                        r#type: || {
                            let mut class_var = ::pyo3_stub_gen::TypeInfo::with_module(
                                concat!("typing.ClassVar[", stringify!($name), "]"),
                                "typing".into(),
                            );
                            // Written as is: the class it names is the one being defined.
                            class_var.source_module = None;
                            class_var
                        },
                        doc: concat!($($crate::honest_enum!(@doc #[$($variant_attr)*])),*),
                        default: None,
                        deprecated: None,
                    }
                ),+],
                getters: &[],
                setters: &[],
                methods: &[
                    $crate::honest_enum!(@slot "__int__", "int"),
                    $crate::honest_enum!(@slot "__repr__", "str"),
                ],
                file: file!(),
                line: line!(),
                column: column!(),
            }
        }
    };
    // A `///` line's text (with its newline), or nothing for any other attribute.
    (@doc #[doc = $doc:literal]) => { concat!($doc, "\n") };
    (@doc #[$($other:tt)*]) => { "" };
    // A variant's Python name: its `#[pyo3(name = "...")]`, else its Rust name.
    (@name $variant:ident) => { stringify!($variant) };
    (@name $variant:ident #[pyo3(name = $python:literal)] $($rest:tt)*) => { $python };
    (@name $variant:ident #[$($other:tt)*] $($rest:tt)*) => {
        $crate::honest_enum!(@name $variant $($rest)*)
    };
    (@slot $method:literal, $returns:literal) => {
        ::pyo3_stub_gen::type_info::MethodInfo {
            name: $method,
            parameters: &[],
            r#return: || ::pyo3_stub_gen::TypeInfo::builtin($returns),
            doc: "",
            r#type: ::pyo3_stub_gen::type_info::MethodType::Instance,
            is_async: false,
            deprecated: None,
            type_ignored: None,
            is_overload: false,
        }
    };
    // The enum exactly as written, every token as the caller wrote it (tokens re-assembled
    // here would mix two hygiene contexts in pyo3's generated code), then its stub entries.
    ($($item:tt)*) => {
        $($item)*
        $crate::honest_enum!(@stub $($item)*);
    };
}
