"""Trains the model and registers a new version in Unity Catalog.

Deployed to the workspace by Terraform (modules/mlops-env, brickops_workspace_file)
and run by the retraining job's "train" task as the environment's service principal.
The run is logged to the environment's MLflow experiment; the registered version
carries its metrics, which the gates in brickops.yaml check before a promotion.
"""

import argparse

import mlflow
from pyspark.sql import SparkSession
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", required=True, help="feature table written by prepare.py")
    parser.add_argument("--model", required=True, help="registered model, <catalog>.<schema>.<name>")
    parser.add_argument("--experiment", required=True, help="MLflow experiment path")
    args = parser.parse_args()

    spark = SparkSession.builder.getOrCreate()
    data = spark.table(args.features).toPandas()
    # Replace with your label; here: whether the entity's next value rises.
    data = data.sort_values(["entity_id", "ts"])
    data["label"] = (data.groupby("entity_id")["feature_1"].shift(-1) > data["feature_1"]).astype(int)
    x_train, x_val, y_train, y_val = train_test_split(data[["feature_1"]], data["label"], test_size=0.2, random_state=7)

    mlflow.set_registry_uri("databricks-uc")
    mlflow.set_experiment(args.experiment)
    with mlflow.start_run():
        model = LogisticRegression().fit(x_train, y_train)
        val_auc = roc_auc_score(y_val, model.predict_proba(x_val)[:, 1])
        mlflow.log_metric("val_auc", val_auc)
        mlflow.sklearn.log_model(model, "model", input_example=x_train.head(5), registered_model_name=args.model)


if __name__ == "__main__":
    main()
