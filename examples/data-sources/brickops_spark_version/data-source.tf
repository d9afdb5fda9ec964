# The newest long-term-support ML runtime on Scala 2.12.
data "brickops_spark_version" "ml" {
  long_term_support = true
  ml                = true
  scala             = "2.12"
}

output "runtime" {
  value = data.brickops_spark_version.ml.id
}
