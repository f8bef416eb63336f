import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val train_valid = IO(Input(Bool()))
    val train_taken = IO(Input(Bool()))
    val state = Output(UInt(2.W))
  })
  val state = RegInit(0.U(2.W)) // resetn is the implicit reset: the harness inverts it
  state := state ^ (io.train_valid & io.train_taken)
  io.state := state
}
