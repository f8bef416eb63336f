import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val zero = Output(Bool())
  })
  io.zero := false.B
}
