# Another namespace: conftest evaluates it only with --namespace other or
# --all-namespaces.
package other

import rego.v1

deny contains "other namespace denies everything" if true
