# Databricks notebook source
display(spark.table('prod.ml.features'))
