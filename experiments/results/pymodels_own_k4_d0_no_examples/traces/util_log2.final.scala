import chisel3._
import chisel3.util._

class FloorLog2(width: Int = 16) extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(width.W))
    val log = Output(UInt(4.W))
    val isPow2 = Output(Bool())
  })
  val log2 = Log2(io.in)
  io.log := log2
  io.isPow2 := io.in === VecInit(log2 + 1).map(_.asUInt)
}
