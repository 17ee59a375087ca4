package registry

// OpsStore serves the live dashboard and the projector.
type OpsStore interface{}
