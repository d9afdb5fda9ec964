import mlflow

if __name__ == '__main__':
    mlflow.autolog()
