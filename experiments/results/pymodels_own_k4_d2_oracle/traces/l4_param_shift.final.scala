import chisel3._
import chisel3.util._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  require(depth > 0, "depth must be greater than 0")
  require(depth <= 256, "depth must be less than or equal to 256")
  require(width > 0, "width must be greater than 0")

  val io = IO(new Bundle {
    val en = Input(Bool())
    val in = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })

  val chain = Seq.fill(depth)(RegInit(0.U(width.W)))

  for ((dst, src) <- chain.tail.zip(chain.init)) {
    dst := src
  }

  io.out := chain.last
}
