import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val j = Input(Bool())
    val k = Input(Bool())
    val out = Output(Bool())
  })
  val state = RegInit(0.U(2.W))
  when(state === 0.U) {
    when(io.j) { state := 1.U }
  } .otherwise {
    when(io.k) { state := 0.U }
  }
  io.out := state === 1.U
}
