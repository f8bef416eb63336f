import chisel3._
import chisel3.util._

class WireConst extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })

  io.out := WireDefault(3.U(16.W))
}
