import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val scancode = Input(UInt(16.W))
    val left    = Output(Bool())
    val down    = Output(Bool())
    val right   = Output(Bool())
    val up      = Output(Bool())
  })
  val scancode = io.scancode
  val left    = scancode(15) & scancode(14) & scancode(13) & scancode(12)
  val down    = scancode(15) & scancode(14) & scancode(13) & scancode(11)
  val right   = scancode(15) & scancode(14) & scancode(13) & scancode(10)
  val up      = scancode(15) & scancode(14) & scancode(13) & scancode(9)
  io.left := left
  io.down := down
  io.right := right
  io.up := up
}
