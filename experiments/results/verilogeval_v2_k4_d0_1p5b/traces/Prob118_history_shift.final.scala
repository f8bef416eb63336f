import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val areset = IO(Input(Bool()))
    val predict_valid = Input(Bool())
    val predict_taken = Input(Bool())
    val train_mispredicted = Input(Bool())
    val train_taken = Input(Bool())
    val train_history   = Input(UInt(32.W))
    val predict_history = Output(UInt(32.W))
  })
  val predict_history = RegInit(VecInit.fill(32)(0.U(32.W)))
  val train_history = RegInit(VecInit.fill(32)(0.U(32.W)))
  val predict_taken = RegInit(false.B)
  val train_taken = RegInit(false.B)
  val predict_valid = RegInit(false.B)
  val train_mispredicted = RegInit(false.B)
  val train_taken = RegInit(false.B)
  val train_history = RegInit(VecInit.fill(32)(0.U(32.W)))
  val predict_history = Output(UInt(32.W))
  when(io.predict_valid) {
    predict_taken := io.predict_taken
    predict_history := Cat(predict_history(31, 0), io.predict_taken)
  }
  when(io.train_mispredicted) {
    train_history := Cat(train_history(31, 0), io.train_taken)
  }
  when(io.train_taken) {
    train_taken := io.train_taken
  }
  io.predict_history := predict_history
}
