import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))

    val predict_valid  = Input(Bool())
    val predict_pc    = Input(UInt(7.W))
    val predict_taken = Output(Bool())
    val predict_history = Output(UInt(7.W))

    val train_valid  = Input(Bool())
    val train_taken  = Input(Bool())
    val train_mispredicted = Input(Bool())
    val train_history = Input(UInt(7.W))
    val train_pc    = Input(UInt(7.W))
  })

  val predict_reg = RegInit(false.B)
  val train_reg = RegInit(false.B)
  val branch_history = RegInit(0.U(7.W))

  when(io.predict_valid) {
    predict_reg := io.predict_taken
    branch_history := io.predict_pc
  }

  when(io.train_valid) {
    train_reg := io.train_taken
    branch_history := io.train_pc
  }

  // Training logic
  when(train_reg) {
    // Recover branch history register to state immediately after mispredicting branch
    branch_history := RegInit(0.U(7.W))
  }

  // Prediction logic
  when(predict_reg) {
    // Predict branch direction and state of branch history register used to make the prediction
    val predicted_taken = branch_history === io.train_pc
    io.predict_taken := predicted_taken
    io.predict_history := branch_history
  }
}
