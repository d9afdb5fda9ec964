"""Builds the feature table a model trains on.

Deployed to the workspace by Terraform (modules/mlops-env, brickops_workspace_file)
and run by the retraining job's "prepare" task as the environment's service principal.
Adapt the query to your data: the table is keyed by entity and feature time, so
training sets are point-in-time correct.
"""

import argparse

from pyspark.sql import SparkSession, functions as F


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", required=True, help="feature table, <catalog>.<schema>.<model>_features")
    parser.add_argument("--source", default="samples.tpch.orders", help="table the features are computed from")
    args = parser.parse_args()

    spark = SparkSession.builder.getOrCreate()
    orders = spark.table(args.source)
    features = (
        orders.groupBy(F.col("o_custkey").alias("entity_id"), F.date_trunc("day", "o_orderdate").alias("ts"))
        .agg(F.sum("o_totalprice").cast("double").alias("feature_1"))
    )
    features.write.mode("overwrite").option("overwriteSchema", "false").saveAsTable(args.features)


if __name__ == "__main__":
    main()
