# Credentials the serving endpoints of the environment read.
resource "brickops_secret_scope" "serving" {
  name = "ml-serving"
}

# A scope backed by an Azure Key Vault: its secrets live in the vault.
# Creating it needs an Entra ID login, not a personal access token.
resource "brickops_secret_scope" "vault" {
  name = "ml-vault"

  keyvault_metadata {
    resource_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml/providers/Microsoft.KeyVault/vaults/ml-vault"
    dns_name    = "https://ml-vault.vault.azure.net/"
  }
}
