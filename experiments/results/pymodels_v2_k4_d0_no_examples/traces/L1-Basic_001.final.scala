import chisel3._
import chisel3.util._

class PassthroughBit extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
  })
  io.out := io.in
}
