//! `spin:variables@3.0.0`: a guest reads only the variables its component declares, resolved
//! when the app loads; a malformed name is `invalid-name`, an undeclared one `undefined`.

use crate::bindings::vars::{self, Error};
use crate::state::{SpinData, SpinState};
use wasmtime::component::Accessor;

impl vars::Host for SpinState {
    fn convert_error(&mut self, err: Error) -> wasmtime::Result<Error> {
        Ok(err)
    }
}

impl<T> vars::HostWithStore<T> for SpinData {
    async fn get(accessor: &Accessor<T, Self>, name: String) -> Result<String, Error> {
        if !crate::variables::is_valid_name(&name) {
            return Err(Error::InvalidName(name));
        }
        accessor.with(|mut access| {
            access
                .get()
                .grants
                .variables
                .get(&name)
                .cloned()
                .ok_or(Error::Undefined(name))
        })
    }
}
